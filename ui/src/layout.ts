import { APP_HOPS, hopOrder, isFailedTrace, type Hop, type HopName, type Trace } from '@hopscope/shared';

/** Stations drawn left → right; `queue` is the waiting line in front of `server`. */
export const STATIONS: readonly HopName[] = ['client', 'proxy', 'server', 'gateway', 'route', 'view', 'response'];

/**
 * Where a request is drawn: a station, the waiting line (`queue`, only when a
 * measured or derived queue hop says so), `unreported` (at the server, its
 * app's spans not arrived yet — or never, without instrumentation), or `done`.
 */
export type Station = HopName | 'queue' | 'unreported' | 'done';
/**
 * Station boxes are this wide: the longest label ("Gateway (WSGI)") fits at
 * 13 px; a wider font or presentation mode's larger type is squeezed to fit.
 */
export const STATION_BOX_WIDTH = 132;
/** At most this many particles per target; beyond it a station shows a count. */
export const PARTICLE_BUDGET = 150;

export interface RowGeometry {
  width: number;
  rowHeight: number;
  top: number;
  lanes: string[];
}

export interface ParticlePlace {
  traceId: string;
  x: number;
  y: number;
  station: Station;
  failed: boolean;
}

export function stationX(station: HopName, width: number): number {
  const index = STATIONS.indexOf(station);
  // Room on the right for the worker lanes' labels.
  const left = 90;
  const right = 140;
  return left + (index * (width - left - right)) / (STATIONS.length - 1);
}

/** The y of a worker lane (app stations); the row's middle when there are no lanes. */
export function laneY(geometry: RowGeometry, worker: string | undefined): number {
  // Lanes fill the band between the station boxes (top) and the station statistics (bottom).
  const first = geometry.top + 76;
  const last = geometry.top + geometry.rowHeight - 44;
  const index = worker === undefined ? -1 : geometry.lanes.indexOf(worker);
  if (index < 0 || geometry.lanes.length <= 1) return (first + last) / 2;
  return first + (index * (last - first)) / (geometry.lanes.length - 1);
}

/** Instrumentation can report a hop of zero length (a route match in microseconds); it still happened. */
const MIN_HOP_MS = 0.01;

/** Where a hop ends for drawing: never before MIN_HOP_MS after its start, never while running. */
export function hopEnd(hop: Hop): number {
  return hop.inFlight ? Infinity : hop.start + Math.max(hop.duration, MIN_HOP_MS);
}

/**
 * Where a request is at virtual time `at`: the innermost hop running then (the
 * hops nest: proxy ⊃ server ⊃ gateway ⊃ route, view, response), `done` after
 * the end. Inside the server it waits in line only while a queue hop (derived
 * from the app's measured gateway) says so; with no app hop at all it is
 * `unreported`: the app's spans may come seconds later (an SDK's batch delay),
 * and guessing "waiting" would invent a queue on a single-process app.
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
  if (best) return best;
  const end = trace.start + (trace.duration ?? Infinity);
  return at >= end ? 'done' : undefined;
}

/** Deterministic layout of every particle of one target row at virtual time `at`. */
export function placeParticles(
  traces: readonly Trace[],
  at: number,
  geometry: RowGeometry,
): { particles: ParticlePlace[]; overflow: Map<string, number> } {
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
  traces.forEach((trace, i) => {
    const station = stations[i];
    if (!station) return;
    if (particles.length >= PARTICLE_BUDGET) {
      overflow.set(station, (overflow.get(station) ?? 0) + 1);
      return;
    }
    const failed = isFailedTrace(trace) && (station === 'done' || station === 'response' || failedHopReached(trace, at));
    if (station === 'queue') {
      const k = queued.get(trace.traceId) ?? 0;
      particles.push({
        traceId: trace.traceId,
        x: stationX('server', geometry.width) - 26 - (k % 12) * 10,
        y: laneY({ ...geometry, lanes: [] }, undefined) + Math.floor(k / 12) * 10,
        station,
        failed,
      });
      return;
    }
    if (station === 'unreported') {
      // A cluster on the server station itself, not the waiting line: where it is inside is unknown.
      const k = unreported++ % (UNREPORTED_COLUMNS * UNREPORTED_ROWS);
      particles.push({
        traceId: trace.traceId,
        x: stationX('server', geometry.width) + ((k % UNREPORTED_COLUMNS) - (UNREPORTED_COLUMNS - 1) / 2) * 16,
        y: geometry.top + 68 + Math.floor(k / UNREPORTED_COLUMNS) * 14,
        station,
        failed,
      });
      return;
    }
    const at2 = station === 'done' ? 'response' : station;
    const inApp = hopOrder(at2) >= hopOrder('server');
    particles.push({
      traceId: trace.traceId,
      x: stationX(at2, geometry.width) + (station === 'done' ? 28 : 0),
      y: laneY(inApp ? geometry : { ...geometry, lanes: [] }, trace.worker),
      station,
      failed,
    });
  });
  return { particles, overflow };
}

/** The not-reported cluster: under the server box, above the waiting line (beyond 15 they overlap). */
const UNREPORTED_COLUMNS = 5;
const UNREPORTED_ROWS = 3;

function failedHopReached(trace: Trace, at: number): boolean {
  return trace.hops.some((h) => h.error !== undefined && h.start <= at);
}
