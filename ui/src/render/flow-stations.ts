import type { Selection } from 'd3';
import type { StackKind } from '@hopscope/shared';
import { waitingBarY, type BoxStation, type RowGeometry } from '../layout';
import { laneLabels } from '../lanes';
import { labelLines, lanesEnd, laneY, rowBands, stationPitch, stationX } from '../row-geometry';
import { stationLabel } from '../stack-words';
import { fitAllToWidth, fitLabel } from './fit-text';
import { formatMs } from './format-ms';
import { setText } from './text';

type Group = Selection<SVGGElement, unknown, null, undefined>;
type HopStats = Record<string, { p50: number; p95: number }> | undefined;

const mode = () => document.body.dataset.presentation ?? 'off';

/** The station boxes, their labels (fitted in screen px) and their timings in the row's statistics band. */
export function drawStations(
  group: Group,
  geometry: RowGeometry,
  hops: HopStats,
  current: string | undefined,
  stack: StackKind | undefined,
): void {
  const m = geometry.metrics;
  const bands = rowBands(geometry);
  const { box, pitch } = stationPitch(geometry);
  const presentation = mode() === 'on';
  const lines = labelLines(geometry);
  const station = group
    .selectAll<SVGGElement, BoxStation>('g.station')
    .data(geometry.stations, (d) => d)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'station');
      g.append('rect').attr('rx', 6);
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
    .attr('x', (d) => stationX(d, geometry) - box / 2)
    .attr('y', bands.boxTop)
    .attr('width', box)
    .attr('height', bands.boxHeight);
  station
    .select<SVGTextElement>('text.station-label')
    .style('font-size', `${m.labelFont}px`)
    .attr('x', (d) => stationX(d, geometry))
    .attr('y', bands.boxTop + bands.boxHeight / 2)
    .each(function (d) {
      fitLabel(this, stationLabel(d, stack), box - 10, lines, mode());
    });
  station
    .select<SVGTextElement>('text.station-stat')
    .style('font-size', `${m.statFont}px`)
    .attr('x', (d) => stationX(d, geometry))
    .attr('y', bands.statY)
    .call(setText, (d: BoxStation) => {
      const p = hops?.[d === 'server' ? 'queue' : d];
      if (!p) return '';
      const prefix = d === 'server' ? 'wait ' : '';
      const both = `${prefix}p50 ${formatMs(p.p50)} · p95 ${formatMs(p.p95)}`;
      // Where there is no room for both (a projector's type, a narrow page), the median alone, never squeezed unreadable.
      return presentation || both.length * 0.6 * m.statFont > pitch - 6 ? `${prefix}p50 ${formatMs(p.p50)}` : both;
    })
    .call((stats) => {
      // Centred under its box, never past the diagram's left edge.
      const items: Array<[SVGTextElement, number]> = [];
      stats.each(function (d) {
        items.push([this, Math.min(pitch - 6, 2 * stationX(d, geometry) - 8)]);
      });
      fitAllToWidth(items, mode());
    });
}

/**
 * The edges particles travel: the way in (just under the boxes, up to the
 * server), the waiting line in front of the server, and a lane per worker
 * (or thread) from the server to the last station, labelled on the right.
 */
export function drawLanes(group: Group, geometry: RowGeometry): void {
  const m = geometry.metrics;
  const bands = rowBands(geometry);
  const server = stationX('server', geometry);
  const first = stationX(geometry.stations[0] ?? 'proxy', geometry);
  group
    .selectAll('line.edge-in')
    .data([0])
    .join('line')
    .attr('class', 'edge edge-in')
    .attr('x1', first)
    .attr('x2', server)
    .attr('y1', bands.laneTop)
    .attr('y2', bands.laneTop);
  const x2 = lanesEnd(geometry);
  const labels = new Map(geometry.lanes.map((lane, i) => [lane, laneLabels(geometry.lanes)[i]!]));
  const lane = group
    .selectAll<SVGGElement, string>('g.lane')
    .data(geometry.lanes.length > 0 ? geometry.lanes : ['·'], (d) => d)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'lane');
      g.append('line');
      g.append('text').attr('class', 'lane-label');
      return g;
    })
    .attr('data-testid', (d) => (d === '·' ? null : `lane-${d}`));
  lane
    .select('line')
    .attr('x1', server)
    .attr('x2', x2)
    .attr('y1', (d) => laneY(geometry, d))
    .attr('y2', (d) => laneY(geometry, d));
  lane
    .select('text')
    .style('font-size', `${m.laneFont}px`)
    .attr('x', x2 + 6)
    .attr('y', (d) => laneY(geometry, d) + m.laneFont * 0.35)
    .call(setText, (d: string) => labels.get(d) ?? '');
}

/**
 * The waiting line in front of the server and, when it is longer than the
 * room in the row, one bar for the rest sized to their number ("+146 waiting"):
 * the line never grows out of its row.
 */
export function drawWaiting(group: Group, geometry: RowGeometry, beyond: number): void {
  const m = geometry.metrics;
  const right = stationX('server', geometry) - stationPitch(geometry).box / 2 - 2;
  const room = right - 4;
  // A bar as long as the row's room for 150 requests or more.
  // At least as wide as its words ("+146 waiting", ≈ 0.62 em a character of bold text).
  const words = (String(beyond).length + 9) * m.laneFont * 0.62 + 8;
  const width = beyond === 0 ? 0 : Math.max(words, Math.min(room, (room * beyond) / 150));
  const y = waitingBarY(geometry);
  const bar = group
    .selectAll<SVGGElement, number>('g.waiting-bar')
    .data(beyond > 0 ? [beyond] : [])
    .join((enter) => {
      const g = enter.append('g').attr('class', 'waiting-bar').attr('data-testid', 'waiting-bar');
      g.append('rect').attr('rx', 3);
      g.append('text').attr('text-anchor', 'end');
      return g;
    });
  bar
    .select('rect')
    .attr('x', right - width)
    .attr('y', y)
    .attr('width', width)
    .attr('height', m.laneFont + 4);
  bar
    .select('text')
    .style('font-size', `${m.laneFont}px`)
    .attr('x', right - 4)
    .attr('y', y + m.laneFont)
    .call(setText, (d: number) => `+${d} waiting`);
}

/** "×10" at the Database station while a request that ran the same query that often is drawn. */
export function drawRepeatMark(group: Group, geometry: RowGeometry, target: string, count: number | undefined): void {
  const bands = rowBands(geometry);
  const show = count !== undefined && geometry.stations.includes('db');
  group
    .selectAll<SVGTextElement, number>('text.repeat-mark')
    .data(show ? [count] : [])
    .join('text')
    .attr('class', 'repeat-mark')
    .attr('data-testid', `repeat-mark-${target}`)
    .attr('text-anchor', 'middle')
    .style('font-size', `${geometry.metrics.statFont + 2}px`)
    .attr('x', show ? stationX('db', geometry) + stationPitch(geometry).box / 2 - 4 : 0)
    .attr('y', bands.boxTop - 2)
    .call(setText, (d: number) => `×${d}`);
}
