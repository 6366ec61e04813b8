import { hopOrder, isFailedTrace, type Hop, type HopName, type Trace } from '@hopscope/shared';

/** Stations drawn left → right; `queue` is the waiting line in front of `server`. */
export const STATIONS: readonly HopName[] = ['client', 'proxy', 'server', 'gateway', 'route', 'view', 'response'];
export const STATION_LABELS: Record<string, string> = {
  client: 'Browser',
  proxy: 'Proxy',
  server: 'Server',
  gateway: 'Gateway (WSGI)',
  route: 'Route match',
  view: 'View',
  response: 'Response',
};
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
  station: HopName | 'queue' | 'done';
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
 * hops nest: proxy ⊃ server ⊃ gateway ⊃ route, view, response), the waiting
 * line while it is sent but no worker has started it, `done` after the end.
 */
export function stationAt(trace: Trace, at: number): HopName | 'queue' | 'done' | undefined {
  if (at < trace.start) return undefined;
  let best: HopName | undefined;
  for (const hop of trace.hops) {
    if (hop.hop === 'queue') continue;
    const end = hopEnd(hop);
    if (hop.start <= at && at < end && (best === undefined || hopOrder(hop.hop) > hopOrder(best))) best = hop.hop;
  }
  const gateway = trace.hops.find((h) => h.hop === 'gateway');
  if (best === 'server' && (!gateway || at < gateway.start)) return 'queue';
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
  const queued = new Map(
    traces
      .filter((t) => stationAt(t, at) === 'queue')
      .sort((a, b) => a.start - b.start)
      .map((t, index) => [t.traceId, index]),
  );
  for (const trace of traces) {
    const station = stationAt(trace, at);
    if (!station) continue;
    if (particles.length >= PARTICLE_BUDGET) {
      overflow.set(station, (overflow.get(station) ?? 0) + 1);
      continue;
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
      continue;
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
  }
  return { particles, overflow };
}

function failedHopReached(trace: Trace, at: number): boolean {
  return trace.hops.some((h) => h.error !== undefined && h.start <= at);
}
