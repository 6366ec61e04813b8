import { TargetWindow, isFailedTrace, type StatsSnapshot, type TargetStats, type Trace } from '@hopscope/shared';

/** The same rolling window the hub uses for its live counters. */
export const REPLAY_WINDOW_MS = 10_000;

/**
 * Counters for a recording at virtual time `at`, computed in the page (a
 * replay has no hub behind it when opened from an exported file): requests
 * finished in the window before `at`, and those running at `at`. `traces`
 * must be sorted by start.
 */
export function replayStats(traces: readonly Trace[], targets: readonly string[], at: number, totals: { spans: number }): StatsSnapshot {
  const windows = new Map(targets.map((t) => [t, { window: new TargetWindow(t, REPLAY_WINDOW_MS), requests: 0, errors: 0 }]));
  for (const trace of traces) {
    if (trace.start > at) break;
    const entry = windows.get(trace.target);
    if (!entry) continue;
    const end = trace.start + (trace.duration ?? 0);
    if (end > at) {
      // Waiting only while a (derived) queue hop says so, as the diagram draws it.
      const queue = trace.hops.find((h) => h.hop === 'queue');
      entry.window.addRunning(queue !== undefined && queue.start <= at && at < queue.start + queue.duration);
      continue;
    }
    entry.requests++;
    if (isFailedTrace(trace)) entry.errors++;
    if (end >= at - REPLAY_WINDOW_MS) entry.window.addFinished(trace);
  }
  const result: Record<string, TargetStats> = {};
  for (const [target, entry] of windows) result[target] = entry.window.result(entry);
  return {
    at,
    windowMs: REPLAY_WINDOW_MS,
    hub: {
      spansReceived: totals.spans,
      spansDropped: 0,
      tracesStored: traces.length,
      tracesEvicted: 0,
      ingestLagMs: 0,
      liveClients: 0,
      liveDropped: 0,
    },
    targets: result,
  };
}
