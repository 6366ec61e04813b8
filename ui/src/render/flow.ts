import { select, type Selection } from 'd3';
import type { StackKind, StatsSnapshot, Trace } from '@hopscope/shared';
import { placeParticles, type ParticlePlace, type RowGeometry } from '../layout';
import { ParticleMotion } from '../motion';
import { RowMemory } from '../row-memory';
import { NORMAL_METRICS, PRESENTATION_METRICS, rowBands, rowHeight, stationX } from '../row-geometry';
import { drawParticles, moveParticles } from './flow-particles';
import { drawLanes, drawRepeatMark, drawStations, drawWaiting } from './flow-stations';
import { setText } from './text';
import '../styles/flow.css';

/** The width laid out before the SVG has been measured (a hidden page). */
const FALLBACK_WIDTH = 1200;

export interface FlowView {
  targets: string[];
  tracesByTarget: Map<string, Trace[]>;
  lanesByTarget: Map<string, string[]>;
  stats: StatsSnapshot | undefined;
  at: number;
  /** Live: each row's own virtual time (a target whose app exports late is drawn further behind). */
  rowAt?: Map<string, number>;
  stackOf: (target: string) => StackKind | undefined;
  followed: string | undefined;
  onFollow: (traceId: string) => void;
  /** Slow motion: the station the followed request is at, lit in its target's row. */
  current?: { target: string; station: string };
  /** Real time (performance.now()) for the particles' motion; the page's clock when left out. */
  now?: number;
}

/**
 * What a diagram remembers between frames: the stations each row has seen
 * and where each particle is on its walk. Kept per SVG, so the page (main.ts)
 * only passes what it shows.
 */
const memories = new WeakMap<SVGSVGElement, { memory: RowMemory; motion: ParticleMotion }>();

function memoryOf(node: SVGSVGElement): { memory: RowMemory; motion: ParticleMotion } {
  const known = memories.get(node);
  if (known) return known;
  const fresh = { memory: new RowMemory(), motion: new ParticleMotion() };
  memories.set(node, fresh);
  return fresh;
}

const widths = new WeakMap<SVGSVGElement, number>();

function watchWidth(node: SVGSVGElement): void {
  widths.set(node, node.clientWidth);
  new ResizeObserver((entries) => {
    for (const entry of entries) widths.set(node, Math.round(entry.contentRect.width));
  }).observe(node);
}

/** What one row draws right now, for the counters: the picture and the numbers agree. */
export interface DrawnCounts {
  queue: number;
  unreported: number;
  /** Mean database queries per request; undefined for a target that never queried. */
  queriesPerRequest?: number;
}

/**
 * The flow diagram: one row per target, stations left to right (calls after
 * View when the target makes them), a lane per worker, the waiting line in
 * front of the server, one particle per request. The SVG is laid out at its
 * own size in CSS pixels, so type is as large on screen as its metrics say.
 * Keyed d3 joins; what it remembers between frames is kept per SVG (memoryOf).
 */
export function renderFlow(
  svg: Selection<SVGSVGElement, unknown, null, undefined>,
  view: FlowView,
  drawStatic: boolean,
): { animated: number; total: number; drawn: Map<string, DrawnCounts> } {
  const node = svg.node()!;
  const { memory, motion } = memoryOf(node);
  const now = view.now ?? performance.now();
  // In slow motion each step draws the request exactly where the caption says; live and in replays particles walk.
  const walking = view.current === undefined ? motion : undefined;
  // Its width comes from a ResizeObserver (measured with the browser's own layout, never forced here);
  // read once, before the first observation.
  if (drawStatic) {
    if (!widths.has(node)) watchWidth(node);
    for (const traces of view.tracesByTarget.values()) for (const t of traces) memory.observe(t);
    motion.sweep(now);
  }
  const width = widths.get(node) || FALLBACK_WIDTH;
  const metrics = document.body.dataset.presentation === 'on' ? PRESENTATION_METRICS : NORMAL_METRICS;
  let top = 0;
  const geometries = view.targets.map((target) => {
    const geometry: RowGeometry = {
      width,
      top,
      lanes: view.lanesByTarget.get(target) ?? [],
      stations: memory.stations(target),
      metrics,
    };
    top += rowHeight(geometry);
    return geometry;
  });
  if (drawStatic) svg.attr('viewBox', `0 0 ${width} ${Math.max(1, top)}`).attr('height', Math.max(1, top));
  let animated = 0;
  let total = 0;
  const drawn = new Map<string, DrawnCounts>();
  svg
    .selectAll<SVGGElement, string>('g.row')
    .data(view.targets, (d) => d)
    .join((enter) => {
      const row = enter.append('g').attr('class', 'row');
      row.append('text').attr('class', 'row-label').attr('x', 8);
      row.append('g').attr('class', 'lanes');
      row.append('g').attr('class', 'stations');
      row.append('g').attr('class', 'waiting');
      row.append('text').attr('class', 'unreported-note').attr('text-anchor', 'middle');
      row.append('g').attr('class', 'particles');
      row.append('g').attr('class', 'overflow');
      return row;
    })
    .attr('data-testid', (d) => `flow-row-${d}`)
    .each(function (target, index) {
      const row = select(this);
      const geometry = geometries[index]!;
      const traces = view.tracesByTarget.get(target) ?? [];
      const { particles, overflow, waitingBeyond } = placeParticles(traces, view.rowAt?.get(target) ?? view.at, geometry);
      const byId = new Map(traces.map((t) => [t.traceId, t]));
      const moved = moveParticles(particles, byId, geometry, walking, now);
      animated += particles.length;
      total += particles.length + waitingBeyond + [...overflow.values()].reduce((a, b) => a + b, 0);
      const counts = countDrawn(particles, overflow, waitingBeyond);
      const queries = memory.queriesPerRequest(target);
      drawn.set(target, queries === undefined ? counts : { ...counts, queriesPerRequest: queries });
      drawParticles(row.select('g.particles'), moved, metrics.radius, view.followed, view.onFollow);
      if (!drawStatic) return;
      const bands = rowBands(geometry);
      row.attr('data-top', geometry.top).attr('data-bottom', bands.bottom);
      row.select('text.row-label').style('font-size', `${metrics.rowFont}px`).attr('y', bands.titleY).call(setText, target);
      row
        .select('text.unreported-note')
        .attr('data-testid', `unreported-note-${target}`)
        .style('font-size', `${metrics.statFont}px`)
        .attr('x', stationX('server', geometry))
        .attr('y', bands.titleY)
        .call(setText, counts.unreported > 0 ? `${counts.unreported} at the server, not reported yet` : '');
      drawLanes(row.select('g.lanes'), geometry);
      drawStations(
        row.select('g.stations'),
        geometry,
        view.stats?.targets[target]?.hops,
        view.current?.target === target ? view.current.station : undefined,
        view.stackOf(target),
      );
      drawWaiting(row.select('g.waiting'), geometry, waitingBeyond);
      drawRepeatMark(row.select('g.stations'), geometry, target, repeatedQueryCount(traces));
      row
        .select('g.overflow')
        .selectAll<SVGTextElement, [string, number]>('text')
        .data([...overflow], (d) => d[0])
        .join('text')
        .attr('class', 'overflow-count')
        .style('font-size', `${metrics.statFont}px`)
        .attr('text-anchor', 'middle')
        .attr('x', (d) =>
          ['queue', 'unreported', 'done'].includes(d[0]) ? stationX('server', geometry) : stationX(d[0] as never, geometry),
        )
        .attr('y', bands.laneBottom + metrics.radius)
        .call(setText, (d: [string, number]) => `+${d[1]}`);
    });
  return { animated, total, drawn };
}

function countDrawn(particles: readonly ParticlePlace[], overflow: Map<string, number>, waitingBeyond: number): DrawnCounts {
  let queue = (overflow.get('queue') ?? 0) + waitingBeyond;
  let unreported = overflow.get('unreported') ?? 0;
  for (const p of particles) {
    if (p.station === 'queue') queue++;
    else if (p.station === 'unreported') unreported++;
  }
  return { queue, unreported };
}

/** The largest N+1 among the row's drawn requests, for the mark at the Database station. */
function repeatedQueryCount(traces: readonly Trace[]): number | undefined {
  let most: number | undefined;
  for (const t of traces) for (const f of t.findings ?? []) if (f.kind === 'repeated_query' && f.count > (most ?? 0)) most = f.count;
  return most;
}
