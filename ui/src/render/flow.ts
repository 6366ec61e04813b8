import { select, type Selection } from 'd3';
import type { StackKind, StatsSnapshot, Trace } from '@hopscope/shared';
import { fitToWidth } from './fit-text';
import { setText } from './text';
import { laneY, placeParticles, STATION_BOX_WIDTH, STATIONS, stationX, type ParticlePlace, type RowGeometry } from '../layout';
import { stationLabel } from '../stack-words';

export const WIDTH = 1200;
export const ROW_HEIGHT = 190;

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
}

/** What one row draws right now, for the counters: the picture and the numbers agree. */
export interface DrawnCounts {
  queue: number;
  unreported: number;
}

/**
 * The flow diagram: one row per target, stations left to right, a lane per
 * worker, the waiting line in front of the server, one particle per request.
 * Keyed d3 joins, no state of its own; text only.
 */
export function renderFlow(
  svg: Selection<SVGSVGElement, unknown, null, undefined>,
  view: FlowView,
  drawStatic: boolean,
): { animated: number; total: number; drawn: Map<string, DrawnCounts> } {
  // Stations, lanes and labels change at human speed; redrawing them every frame would
  // invalidate layout 60 times a second. Particles move every frame.
  if (drawStatic) svg.attr('viewBox', `0 0 ${WIDTH} ${Math.max(1, view.targets.length) * ROW_HEIGHT}`);
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
      row.append('text').attr('class', 'unreported-note').attr('text-anchor', 'middle');
      row.append('g').attr('class', 'particles');
      row.append('g').attr('class', 'overflow');
      return row;
    })
    .attr('data-testid', (d) => `flow-row-${d}`)
    .each(function (target, index) {
      const row = select(this);
      const geometry: RowGeometry = {
        width: WIDTH,
        rowHeight: ROW_HEIGHT,
        top: index * ROW_HEIGHT,
        lanes: view.lanesByTarget.get(target) ?? [],
      };
      const traces = view.tracesByTarget.get(target) ?? [];
      const { particles, overflow } = placeParticles(traces, view.rowAt?.get(target) ?? view.at, geometry);
      animated += particles.length;
      total += particles.length + [...overflow.values()].reduce((a, b) => a + b, 0);
      const counts = countDrawn(particles, overflow);
      drawn.set(target, counts);
      drawParticles(row.select('g.particles'), particles, view);
      if (!drawStatic) return;
      row
        .select('text.unreported-note')
        .attr('data-testid', `unreported-note-${target}`)
        .attr('x', stationX('server', WIDTH))
        .attr('y', geometry.top + ROW_HEIGHT - 36)
        .call(setText, counts.unreported > 0 ? `${counts.unreported} at the server, not reported yet` : '');
      row
        .select('text.row-label')
        .attr('y', geometry.top + 20)
        .call(setText, target);
      drawLanes(row.select('g.lanes'), geometry);
      drawStations(
        row.select('g.stations'),
        geometry,
        view.stats?.targets[target]?.hops,
        view.current?.target === target ? view.current.station : undefined,
        view.stackOf(target),
      );
      row
        .select('g.overflow')
        .selectAll<SVGTextElement, [string, number]>('text')
        .data([...overflow], (d) => d[0])
        .join('text')
        .attr('class', 'overflow-count')
        .attr('x', (d) => (['queue', 'unreported', 'done'].includes(d[0]) ? stationX('server', WIDTH) : stationX(d[0] as never, WIDTH)))
        .attr('y', geometry.top + ROW_HEIGHT - 8)
        .call(setText, (d: [string, number]) => `+${d[1]}`);
    });
  return { animated, total, drawn };
}

function countDrawn(particles: readonly ParticlePlace[], overflow: Map<string, number>): DrawnCounts {
  let queue = overflow.get('queue') ?? 0;
  let unreported = overflow.get('unreported') ?? 0;
  for (const p of particles) {
    if (p.station === 'queue') queue++;
    else if (p.station === 'unreported') unreported++;
  }
  return { queue, unreported };
}

function drawStations(
  group: Selection<SVGGElement, unknown, null, undefined>,
  geometry: RowGeometry,
  hops: Record<string, { p50: number; p95: number }> | undefined,
  current: string | undefined,
  stack: StackKind | undefined,
): void {
  const middle = laneY({ ...geometry, lanes: [] }, undefined);
  const station = group
    .selectAll<SVGGElement, string>('g.station')
    .data(STATIONS, (d) => d)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'station');
      g.append('rect').attr('width', STATION_BOX_WIDTH).attr('height', 26).attr('rx', 6);
      g.append('text').attr('class', 'station-label').attr('text-anchor', 'middle');
      g.append('text').attr('class', 'station-stat').attr('text-anchor', 'middle');
      return g;
    })
    .attr('data-testid', (d) => `station-${d}`)
    // The waiting line belongs to the server station.
    .classed(
      'current',
      (d) =>
        d === current || (d === 'server' && (current === 'queue' || current === 'unreported')) || (d === 'response' && current === 'done'),
    );
  station
    .select('rect')
    .attr('x', (d) => stationX(d, geometry.width) - STATION_BOX_WIDTH / 2)
    .attr('y', geometry.top + 28);
  station
    .select('text.station-label')
    .attr('x', (d) => stationX(d, geometry.width))
    .attr('y', geometry.top + 46)
    .call(setText, (d: (typeof STATIONS)[number]) => stationLabel(d, stack))
    .each(function () {
      fitToWidth(this as SVGTextElement, STATION_BOX_WIDTH - 10, document.body.dataset.presentation ?? 'off');
    });
  station
    .select('text.station-stat')
    .attr('x', (d) => stationX(d, geometry.width))
    .attr('y', geometry.top + geometry.rowHeight - 22)
    .call(setText, (d: string) => {
      const p = hops?.[d === 'server' ? 'queue' : d];
      if (!p) return '';
      return `${d === 'server' ? 'wait ' : ''}p50 ${fmt(p.p50)} / p95 ${fmt(p.p95)} ms`;
    });
  group
    .selectAll('line.waiting-line')
    .data([0])
    .join('line')
    .attr('class', 'waiting-line')
    .attr('x1', stationX('server', geometry.width) - 150)
    .attr('x2', stationX('server', geometry.width) - 20)
    .attr('y1', middle + 8)
    .attr('y2', middle + 8);
}

function drawLanes(group: Selection<SVGGElement, unknown, null, undefined>, geometry: RowGeometry): void {
  const x1 = stationX('server', geometry.width);
  const x2 = stationX('response', geometry.width) + 56;
  const lane = group
    .selectAll<SVGGElement, string>('g.lane')
    .data(geometry.lanes, (d) => d)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'lane');
      g.append('line');
      g.append('text').attr('class', 'lane-label');
      return g;
    })
    .attr('data-testid', (d) => `lane-${d}`);
  lane
    .select('line')
    .attr('x1', x1)
    .attr('x2', x2)
    .attr('y1', (d) => laneY(geometry, d))
    .attr('y2', (d) => laneY(geometry, d));
  lane
    .select('text')
    .attr('x', x2 + 4)
    .attr('y', (d) => laneY(geometry, d) + 4)
    .call(setText, (d: string) => `pid ${d}`);
}

function drawParticles(group: Selection<SVGGElement, unknown, null, undefined>, particles: ParticlePlace[], view: FlowView): void {
  group
    .selectAll<SVGCircleElement, ParticlePlace>('circle')
    .data(particles, (d) => d.traceId)
    .join((enter) =>
      enter
        .append('circle')
        .attr('r', 7)
        .attr('class', 'particle')
        .on('click', (_event, d) => view.onFollow(d.traceId)),
    )
    .attr('data-testid', 'particle')
    .attr('data-trace-id', (d) => d.traceId)
    .each(function (d) {
      if (this.dataset.station !== d.station) this.dataset.station = d.station;
    })
    .classed('failed', (d) => d.failed)
    .classed('done', (d) => d.station === 'done')
    .classed('dimmed', (d) => view.followed !== undefined && d.traceId !== view.followed)
    .each(function (d) {
      const transform = `translate(${d.x}px, ${d.y}px)`;
      if (this.style.transform !== transform) this.style.transform = transform;
    });
}

function fmt(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}
