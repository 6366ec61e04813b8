import { TargetWindow, type HubHealth, type StatsSnapshot, type TargetStats } from '@hopscope/shared';
import type { TraceStore } from './store';

/**
 * Per-target statistics over a rolling window of finished requests, plus
 * what is in flight right now. Computed from the store about once a second
 * (the window holds at most maxTraces traces, so a sort per second is cheap).
 */
export function computeStats(
  store: TraceStore,
  targets: readonly string[],
  hub: Omit<HubHealth, 'spansReceived' | 'spansDropped' | 'tracesStored' | 'tracesEvicted'>,
  windowMs: number,
  nowMs = Date.now(),
): StatsSnapshot {
  const windows = new Map<string, TargetWindow>(targets.map((t) => [t, new TargetWindow(t, windowMs)]));
  const since = nowMs - windowMs;
  for (const trace of store.traces(nowMs)) {
    const window = windows.get(trace.target) ?? windows.set(trace.target, new TargetWindow(trace.target, windowMs)).get(trace.target)!;
    if (trace.inFlight) {
      // Waiting only while a (derived) queue hop says so: an app whose spans have not arrived yet is no queue.
      const queue = trace.hops.find((h) => h.hop === 'queue');
      window.addRunning(queue !== undefined && queue.start <= nowMs && nowMs < queue.start + queue.duration);
      continue;
    }
    if (trace.start + (trace.duration ?? 0) >= since) window.addFinished(trace);
  }
  // Target names come from spans: "__proto__" must be a key like any other, not the object's prototype.
  const result = Object.create(null) as Record<string, TargetStats>;
  for (const [target, window] of windows) result[target] = window.result(store.totals.get(target) ?? { requests: 0, errors: 0 });
  return {
    at: nowMs,
    windowMs,
    hub: {
      ...hub,
      spansReceived: store.spansReceived,
      spansDropped: store.spansDropped,
      tracesStored: store.size,
      tracesEvicted: store.tracesEvicted,
      storeBytes: store.bytes,
    },
    targets: result,
  };
}
