import { percentilesOf } from './percentiles';
import type { HopName } from './hops';
import type { Trace } from './model';
import type { TargetStats } from './stats';

/** A failed request: an error type, or a 5xx. */
export function isFailedTrace(trace: Trace): boolean {
  return trace.error !== undefined || (trace.status ?? 0) >= 500;
}

/**
 * Folds one target's traces into the counters both the hub (live) and the
 * dashboard's replay (at the playhead) show: requests finished within the
 * window, and those still running at `at`.
 */
export class TargetWindow {
  private readonly durations: number[] = [];
  private failures = 0;
  private inFlight = 0;
  private queueDepth = 0;
  private readonly hops = new Map<HopName, number[]>();
  private readonly workers: Record<string, { requests: number; busyMs: number }> = {};

  constructor(
    readonly target: string,
    private readonly windowMs: number,
  ) {}

  /** A request running at the moment of the counters; `waiting` when no worker has started it yet. */
  addRunning(waiting: boolean): void {
    this.inFlight++;
    if (waiting) this.queueDepth++;
  }

  /** A finished request inside the window. */
  addFinished(trace: Trace): void {
    this.durations.push(trace.duration ?? 0);
    if (isFailedTrace(trace)) this.failures++;
    for (const hop of trace.hops) (this.hops.get(hop.hop) ?? this.hops.set(hop.hop, []).get(hop.hop)!).push(hop.duration);
    if (trace.worker) {
      const worker = (this.workers[trace.worker] ??= { requests: 0, busyMs: 0 });
      worker.requests++;
      worker.busyMs += trace.hops.find((h) => h.hop === 'gateway')?.duration ?? 0;
    }
  }

  /** `totals`: requests and failures since the start (of the hub, or of the recording). */
  result(totals: { requests: number; errors: number }): TargetStats {
    return {
      target: this.target,
      requests: totals.requests,
      errors: totals.errors,
      rps: this.durations.length / (this.windowMs / 1000),
      errorRate: this.durations.length ? this.failures / this.durations.length : 0,
      inFlight: this.inFlight,
      queueDepth: this.queueDepth,
      latency: percentilesOf(this.durations),
      hops: Object.fromEntries([...this.hops].map(([hop, samples]) => [hop, percentilesOf(samples)])),
      workers: this.workers,
    };
  }
}
