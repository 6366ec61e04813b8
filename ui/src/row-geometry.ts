import type { HopName } from '@hopscope/shared';

/** Stations for the calls a view makes, drawn after View only for a target that made such calls. */
export type CallStation = 'db' | 'http' | 'cache' | 'messaging';
export const CALL_STATIONS: readonly CallStation[] = ['db', 'http', 'cache', 'messaging'];

/** A box in the diagram: a hop's station, or a call's. */
export type BoxStation = HopName | CallStation;

/**
 * Sizes in screen pixels. The SVG is laid out at its element's size (one
 * user unit = one CSS pixel), so these are what a reader sees: presentation
 * mode's labels are 24 px whatever the viewport, never shrunk by a viewBox.
 */
export interface Metrics {
  rowFont: number;
  labelFont: number;
  /** Lines a station label may take before it is squeezed ("Gateway" / "(WSGI)" in a narrow box). */
  labelLines: number;
  statFont: number;
  laneFont: number;
  /** Distance between worker lanes: never less than a lane label's height, so pid labels never overlap. */
  laneGap: number;
  radius: number;
  boxMax: number;
  /** The band of lanes is at least this tall: the waiting line and its "+N waiting" bar live in it. */
  minLaneBand: number;
}

export const NORMAL_METRICS: Metrics = {
  rowFont: 18,
  labelFont: 14,
  labelLines: 2,
  statFont: 12,
  laneFont: 11,
  laneGap: 15,
  radius: 7,
  boxMax: 140,
  minLaneBand: 58,
};

export const PRESENTATION_METRICS: Metrics = {
  rowFont: 24,
  labelFont: 24,
  labelLines: 2,
  statFont: 16,
  laneFont: 14,
  laneGap: 19,
  radius: 9,
  boxMax: 190,
  minLaneBand: 64,
};

export interface RowGeometry {
  width: number;
  top: number;
  /** Lane keys in drawing order (see model.ts `laneOf`). */
  lanes: string[];
  /** The boxes this row draws, left to right. */
  stations: readonly BoxStation[];
  metrics: Metrics;
}

/** The hop stations in order; Browser only for a target that has had a browser hop, call stations after View. */
export function rowStations(browser: boolean, calls: readonly CallStation[]): BoxStation[] {
  const kinds = CALL_STATIONS.filter((c) => calls.includes(c));
  return [...(browser ? (['client'] as const) : []), 'proxy', 'server', 'gateway', 'route', 'view', ...kinds, 'response'];
}

/** The row's horizontal bands, top to bottom: title, station boxes, lanes, statistics. All absolute y. */
export interface RowBands {
  titleY: number;
  boxTop: number;
  boxHeight: number;
  laneTop: number;
  laneBottom: number;
  statY: number;
  bottom: number;
}

export function rowBands(geometry: RowGeometry): RowBands {
  const m = geometry.metrics;
  const titleY = geometry.top + m.rowFont + 4;
  const boxTop = titleY + 8;
  const boxHeight = Math.ceil(labelLines(geometry) * m.labelFont * 1.15 + 10);
  const laneTop = boxTop + boxHeight + m.radius + 10;
  const laneBand = Math.max(m.minLaneBand, (geometry.lanes.length - 1) * m.laneGap);
  const laneBottom = laneTop + laneBand;
  const statY = laneBottom + m.radius + 8 + m.statFont;
  return { titleY, boxTop, boxHeight, laneTop, laneBottom, statY, bottom: statY + 10 };
}

/** The longest label, "Gateway (WSGI)", at about 0.6 em a character. */
const LONGEST_LABEL = 14;

/** Two lines only when the boxes are too narrow for the longest label on one. */
export function labelLines(geometry: RowGeometry): number {
  const m = geometry.metrics;
  return stationPitch(geometry).box - 10 >= LONGEST_LABEL * 0.6 * m.labelFont ? 1 : m.labelLines;
}

export function rowHeight(geometry: RowGeometry): number {
  return rowBands(geometry).bottom - geometry.top;
}

/** Room on the right for the lanes' labels ("pid 123456 · t2"). */
function rightMargin(m: Metrics): number {
  return Math.ceil(m.laneFont * 0.62 * 12) + 10;
}

/** Box width and distance between station centres: boxes grow to `boxMax`, then shrink to keep a 10 px gap. */
export function stationPitch(geometry: RowGeometry): { pitch: number; box: number; first: number } {
  const m = geometry.metrics;
  const n = Math.max(2, geometry.stations.length);
  const usable = geometry.width - rightMargin(m) - 8;
  const wide = (usable - m.boxMax) / (n - 1);
  if (m.boxMax <= wide - 10) return { pitch: wide, box: m.boxMax, first: 8 + m.boxMax / 2 };
  const pitch = (usable + 10) / n;
  return { pitch, box: pitch - 10, first: 8 + (pitch - 10) / 2 };
}

export function stationX(station: BoxStation, geometry: RowGeometry): number {
  const { pitch, first } = stationPitch(geometry);
  const index = Math.max(0, geometry.stations.indexOf(station));
  return first + index * pitch;
}

/** Where the lanes end (right of the last box), and their labels start. */
export function lanesEnd(geometry: RowGeometry): number {
  const last = geometry.stations.at(-1) ?? 'response';
  return stationX(last, geometry) + stationPitch(geometry).box / 2;
}

/** The y of a lane (app stations); the band's middle when there are fewer than two. */
export function laneY(geometry: RowGeometry, lane: string | undefined): number {
  const { laneTop, laneBottom } = rowBands(geometry);
  const index = lane === undefined ? -1 : geometry.lanes.indexOf(lane);
  if (index < 0 || geometry.lanes.length <= 1) return (laneTop + laneBottom) / 2;
  const span = (geometry.lanes.length - 1) * geometry.metrics.laneGap;
  const first = (laneTop + laneBottom - span) / 2;
  return first + index * geometry.metrics.laneGap;
}
