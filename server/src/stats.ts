import { percentilesOf, type HopName, type HubHealth, type StatsSnapshot, type TargetStats } from '@hopscope/shared';
import { isFailure, type TraceStore } from './store';

interface Accumulator {
  durations: number[];
  failures: number;
  inFlight: number;
  queueDepth: number;
  hops: Map<HopName, number[]>;
  workers: Record<string, { requests: number; busyMs: number }>;
}

/**
 * Per-target statistics over a rolling window of finished requests, plus
 * what is in flight right now. Computed from the store about once a second
 * (the window holds at most maxTraces traces, so a sort per second is cheap).
 */
export function computeStats(store: TraceStore, targets: readonly string[], hub: Omit<HubHealth, 'spansReceived' | 'spansDropped' | 'tracesStored' | 'tracesEvicted'>, windowMs: number, nowMs = Date.now()): StatsSnapshot {
  const accumulators = new Map<string, Accumulator>(targets.map((t) => [t, emptyAccumulator()]));
  const since = nowMs - windowMs;
  for (const trace of store.traces(nowMs)) {
    const acc = accumulators.get(trace.target) ?? accumulators.set(trace.target, emptyAccumulator()).get(trace.target)!;
    if (trace.inFlight) {
      acc.inFlight++;
      const waiting = trace.hops.some((h) => h.hop === 'server' && h.inFlight) && !trace.hops.some((h) => h.hop === 'gateway');
      if (waiting) acc.queueDepth++;
      continue;
    }
    if (trace.start + (trace.duration ?? 0) < since) continue;
    acc.durations.push(trace.duration ?? 0);
    if (isFailure(trace)) acc.failures++;
    for (const hop of trace.hops) {
      const list = acc.hops.get(hop.hop) ?? acc.hops.set(hop.hop, []).get(hop.hop)!;
      list.push(hop.duration);
    }
    if (trace.worker) {
      const worker = (acc.workers[trace.worker] ??= { requests: 0, busyMs: 0 });
      worker.requests++;
      worker.busyMs += trace.hops.find((h) => h.hop === 'gateway')?.duration ?? 0;
    }
  }
  const result: Record<string, TargetStats> = {};
  for (const [target, acc] of accumulators) {
    const totals = store.totals.get(target) ?? { requests: 0, errors: 0 };
    result[target] = {
      target,
      requests: totals.requests,
      errors: totals.errors,
      rps: acc.durations.length / (windowMs / 1000),
      errorRate: acc.durations.length ? acc.failures / acc.durations.length : 0,
      inFlight: acc.inFlight,
      queueDepth: acc.queueDepth,
      latency: percentilesOf(acc.durations),
      hops: Object.fromEntries([...acc.hops].map(([hop, samples]) => [hop, percentilesOf(samples)])),
      workers: acc.workers,
    };
  }
  return {
    at: nowMs,
    windowMs,
    hub: { ...hub, spansReceived: store.spansReceived, spansDropped: store.spansDropped, tracesStored: store.size, tracesEvicted: store.tracesEvicted },
    targets: result,
  };
}

function emptyAccumulator(): Accumulator {
  return { durations: [], failures: 0, inFlight: 0, queueDepth: 0, hops: new Map(), workers: {} };
}
