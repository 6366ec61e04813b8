import { percentilesOf, type HopName, type StatsSnapshot, type TargetStats, type Trace } from '@hopscope/shared';
import { isFailed } from '../model';

/** The same rolling window the hub uses for its live counters. */
export const REPLAY_WINDOW_MS = 10_000;

/**
 * Counters for a recording at virtual time `at`, computed in the page (a
 * replay has no hub behind it when opened from an exported file): requests
 * finished in the window before `at`, and those running at `at`.
 */
export function replayStats(traces: readonly Trace[], targets: readonly string[], at: number, totals: { spans: number }): StatsSnapshot {
  const result: Record<string, TargetStats> = {};
  const samples = new Map<string, { durations: number[]; failures: number; hops: Map<HopName, number[]>; inFlight: number; queueDepth: number; requests: number; errors: number }>();
  for (const target of targets) samples.set(target, { durations: [], failures: 0, hops: new Map(), inFlight: 0, queueDepth: 0, requests: 0, errors: 0 });
  for (const trace of traces) {
    if (trace.start > at) break;
    const acc = samples.get(trace.target);
    if (!acc) continue;
    const end = trace.start + (trace.duration ?? 0);
    if (end > at) {
      acc.inFlight++;
      const gateway = trace.hops.find((h) => h.hop === 'gateway');
      if (!gateway || gateway.start > at) acc.queueDepth++;
      continue;
    }
    acc.requests++;
    if (isFailed(trace)) acc.errors++;
    if (end < at - REPLAY_WINDOW_MS) continue;
    acc.durations.push(trace.duration ?? 0);
    if (isFailed(trace)) acc.failures++;
    for (const hop of trace.hops) (acc.hops.get(hop.hop) ?? acc.hops.set(hop.hop, []).get(hop.hop)!).push(hop.duration);
  }
  for (const [target, acc] of samples) {
    result[target] = {
      target,
      requests: acc.requests,
      errors: acc.errors,
      rps: acc.durations.length / (REPLAY_WINDOW_MS / 1000),
      errorRate: acc.durations.length ? acc.failures / acc.durations.length : 0,
      inFlight: acc.inFlight,
      queueDepth: acc.queueDepth,
      latency: percentilesOf(acc.durations),
      hops: Object.fromEntries([...acc.hops].map(([hop, list]) => [hop, percentilesOf(list)])),
      workers: {},
    };
  }
  return {
    at,
    windowMs: REPLAY_WINDOW_MS,
    hub: { spansReceived: totals.spans, spansDropped: 0, tracesStored: traces.length, tracesEvicted: 0, ingestLagMs: 0, liveClients: 0, liveDropped: 0 },
    targets: result,
  };
}
