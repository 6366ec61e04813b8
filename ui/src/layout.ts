import { APP_HOPS, hopOrder, isFailedTrace, type Call, type CallKind, type Hop, type HopName, type Trace } from '@hopscope/shared';
import { lanesEnd, laneY, rowBands, stationPitch, stationX, type BoxStation, type CallStation, type RowGeometry } from './row-geometry';
import { laneOf } from './lanes';

export type { BoxStation, CallStation, RowGeometry };

/** Hop stations drawn left → right; `queue` is the waiting line in front of `server`. */
export const STATIONS: readonly HopName[] = ['client', 'proxy', 'server', 'gateway', 'route', 'view', 'response'];

/**
 * Where a request is drawn: a station (a hop's, or a call's: Database, HTTP
 * out, Cache), the waiting line (`queue`, only when a measured or derived
 * queue hop says so), `unreported` (at the server, its app's spans not
 * arrived yet — or never, without instrumentation), or `done`.
 */
export type Station = HopName | CallStation | 'queue' | 'unreported' | 'done';
/** At most this many particles per target; beyond it a station shows a count. */
export const PARTICLE_BUDGET = 150;

export interface ParticlePlace {
  traceId: string;
  x: number;
  y: number;
  station: Station;
  failed: boolean;
}

/** What a row cannot draw as particles: requests over the budget per station, and the waiting line's tail. */
export interface Placement {
  particles: ParticlePlace[];
  overflow: Map<string, number>;
  /** Waiting requests beyond the line's room, drawn as one "+N waiting" bar. */
  waitingBeyond: number;
}

const CALL_STATION: Partial<Record<CallKind, CallStation>> = { db: 'db', http: 'http', cache: 'cache', messaging: 'messaging' };

export function callStation(call: Call): CallStation | undefined {
  return CALL_STATION[call.kind];
}

export function isCallStation(station: Station): station is CallStation {
  return station === 'db' || station === 'http' || station === 'cache' || station === 'messaging';
}

/** Instrumentation can report a hop of zero length (a route match in microseconds); it still happened. */
const MIN_HOP_MS = 0.01;

/** Where a hop ends for drawing: never before MIN_HOP_MS after its start, never while running. */
export function hopEnd(hop: Hop): number {
  return hop.inFlight ? Infinity : hop.start + Math.max(hop.duration, MIN_HOP_MS);
}

export function callEnd(call: Call): number {
  return call.start + Math.max(call.duration, MIN_HOP_MS);
}

/**
 * Where a request is at virtual time `at`: the innermost hop running then (the
 * hops nest: proxy ⊃ server ⊃ gateway ⊃ route, view, response), or a call the
 * app is making then (a query: the Database station), `done` after the end.
 * Inside the server it waits in line only while a queue hop (derived from the
 * app's measured gateway) says so; with no app hop at all it is `unreported`:
 * the app's spans may come seconds later (an SDK's batch delay), and guessing
 * "waiting" would invent a queue on a single-process app.
 */
export function stationAt(trace: Trace, at: number): Station | undefined {
  if (at < trace.start) return undefined;
  let best: HopName | undefined;
  let queue: Hop | undefined;
  let appReported = false;
  for (const hop of trace.hops) {
    if (hop.hop === 'queue') {
      queue = hop;
      continue;
    }
    if (APP_HOPS.includes(hop.hop)) appReported = true;
    const end = hopEnd(hop);
    if (hop.start <= at && at < end && (best === undefined || hopOrder(hop.hop) > hopOrder(best))) best = hop.hop;
  }
  if (best === 'server') {
    if (queue && queue.start <= at && at < queue.start + queue.duration) return 'queue';
    return appReported ? 'server' : 'unreported';
  }
  if (best && APP_HOPS.includes(best)) {
    for (const call of trace.calls ?? []) {
      const station = callStation(call);
      if (station && call.start <= at && at < callEnd(call)) return station;
    }
  }
  if (best) return best;
  const end = trace.start + (trace.duration ?? Infinity);
  return at >= end ? 'done' : undefined;
}

/** The waiting line's y: under the requests on their way in (they ride just under the boxes). */
export function waitingLineY(geometry: RowGeometry): number {
  return rowBands(geometry).laneTop + geometry.metrics.radius * 2 + 4;
}

/** The "+N waiting" bar's top, under the waiting line, still inside the lane band. */
export function waitingBarY(geometry: RowGeometry): number {
  return waitingLineY(geometry) + geometry.metrics.radius + 4;
}

/** The not-reported cluster: under the server box (beyond 15 they overlap). */
const UNREPORTED_COLUMNS = 5;
const UNREPORTED_ROWS = 3;

/**
 * The place of a request at `station` in a row, `k` being its rank in the
 * waiting line or the not-reported cluster. Waiting requests stand in one
 * line leftwards from the server, inside the row; `undefined` when the line
 * is full (the rest are the "+N waiting" bar).
 */
export function placeOf(station: Station, trace: Trace, k: number, geometry: RowGeometry): { x: number; y: number } | undefined {
  const m = geometry.metrics;
  const bands = rowBands(geometry);
  if (station === 'queue') {
    const step = m.radius * 2 + 2;
    const x = stationX('server', geometry) - stationPitch(geometry).box / 2 - m.radius - 2 - k * step;
    return x < m.radius + 2 ? undefined : { x, y: waitingLineY(geometry) };
  }
  if (station === 'unreported') {
    const step = m.radius * 2 + 2;
    const slot = k % (UNREPORTED_COLUMNS * UNREPORTED_ROWS);
    return {
      x: stationX('server', geometry) + ((slot % UNREPORTED_COLUMNS) - (UNREPORTED_COLUMNS - 1) / 2) * step,
      y: bands.laneTop + Math.floor(slot / UNREPORTED_COLUMNS) * step,
    };
  }
  if (station === 'done') return { x: lanesEnd(geometry) - m.radius, y: laneY(geometry, laneOf(trace)) };
  const inApp = isCallStation(station) || hopOrder(station) >= hopOrder('server');
  // Before the server, requests ride above the waiting line, just under the boxes.
  return { x: stationX(station, geometry), y: inApp ? laneY(geometry, laneOf(trace)) : bands.laneTop };
}

/** Deterministic layout of every particle of one target row at virtual time `at`. */
export function placeParticles(traces: readonly Trace[], at: number, geometry: RowGeometry): Placement {
  const particles: ParticlePlace[] = [];
  const overflow = new Map<string, number>();
  const stations = traces.map((t) => stationAt(t, at));
  const queued = new Map(
    traces
      .filter((_, i) => stations[i] === 'queue')
      .sort((a, b) => a.start - b.start)
      .map((t, index) => [t.traceId, index]),
  );
  let unreported = 0;
  let waitingBeyond = 0;
  traces.forEach((trace, i) => {
    const station = stations[i];
    if (!station) return;
    const k = station === 'queue' ? (queued.get(trace.traceId) ?? 0) : station === 'unreported' ? unreported++ : 0;
    const place = placeOf(station, trace, k, geometry);
    if (!place) {
      waitingBeyond++;
      return;
    }
    if (particles.length >= PARTICLE_BUDGET) {
      overflow.set(station, (overflow.get(station) ?? 0) + 1);
      return;
    }
    const failed = isFailedTrace(trace) && (station === 'done' || station === 'response' || failedHopReached(trace, at));
    particles.push({ traceId: trace.traceId, ...place, station, failed });
  });
  return { particles, overflow, waitingBeyond };
}

function failedHopReached(trace: Trace, at: number): boolean {
  return trace.hops.some((h) => h.error !== undefined && h.start <= at);
}

/**
 * The stations a request visits, in order, as `stationAt` draws it: its
 * timeline cut at every hop and call boundary, consecutive repeats merged.
 * `end` defaults to the trace's end (or its last hop's, in flight).
 */
export function journeyCuts(trace: Trace, end = traceEnd(trace)): number[] {
  const times = [trace.start, end];
  for (const h of trace.hops) times.push(h.start, hopEnd(h));
  for (const c of trace.calls ?? []) if (callStation(c)) times.push(c.start, callEnd(c));
  return [...new Set(times)].filter((t) => t >= trace.start && t <= end).sort((a, b) => a - b);
}

export function traceEnd(trace: Trace): number {
  return trace.start + (trace.duration ?? Math.max(0, ...trace.hops.map((h) => h.start + h.duration - trace.start)));
}

const journeys = new WeakMap<Trace, Station[]>();

/** Every station of the request's journey in order, ending in `done` once it finished (cached per trace version). */
export function journeyOf(trace: Trace): Station[] {
  const known = journeys.get(trace);
  if (known) return known;
  const cuts = journeyCuts(trace);
  const out: Station[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const station = stationAt(trace, (cuts[i]! + cuts[i + 1]!) / 2);
    if (station && station !== out.at(-1)) out.push(station);
  }
  if (!trace.inFlight) out.push('done');
  journeys.set(trace, out);
  return out;
}
