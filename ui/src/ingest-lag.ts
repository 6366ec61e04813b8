import { APP_HOPS, type Trace } from '@hopscope/shared';

/** Samples older than this no longer count: a fixed exporter setting shows within half a minute. */
const SAMPLE_WINDOW_MS = 30_000;
/** At most this many samples per target (the newest). */
const MAX_SAMPLES = 64;
/** A finished trace waits this long for its app's spans; after that its app is taken to report none. */
const WAIT_LIMIT_MS = 20_000;
/** Bound on the traces followed at once (memory stays bounded under any load). */
const MAX_FOLLOWED = 4_096;

interface Followed {
  target: string;
  /** When the page first saw the trace finished (its proxy span ended), page clock. */
  finishedAt: number;
  sampled: boolean;
}

/**
 * How late an app's spans arrive, per target, measured in the page: the time
 * between the trace message that says the proxy span ended and the first one
 * that carries the app's measured hops. Both times are the page's own clock
 * (no skew with the hub's). An OpenTelemetry SDK's batch processor waits
 * `OTEL_BSP_SCHEDULE_DELAY` (5 s by default) before it exports, so a request
 * is over long before its app spans arrive. Pure: the caller passes the times.
 */
export class IngestLag {
  private readonly followed = new Map<string, Followed>();
  private readonly samples = new Map<string, Array<{ at: number; lagMs: number }>>();
  private observed = 0;

  /** A version of `trace` arrived at page time `receivedAt`. */
  observe(trace: Trace, receivedAt: number): void {
    if (trace.inFlight) return;
    const reported = trace.hops.some((h) => h.measured && APP_HOPS.includes(h.hop));
    const known = this.followed.get(trace.traceId);
    if (known?.sampled) return;
    if (!known) {
      if (reported) return this.sample(trace.target, 0, receivedAt, trace.traceId);
      this.followed.set(trace.traceId, { target: trace.target, finishedAt: receivedAt, sampled: false });
      this.forgetOld(receivedAt);
      return;
    }
    if (reported) this.sample(known.target, receivedAt - known.finishedAt, receivedAt, trace.traceId);
  }

  /**
   * The longest lag seen for `target` in the last SAMPLE_WINDOW_MS: a batch
   * processor's lag is spread evenly from 0 to its delay, and every request
   * should have its spans before it is drawn. Undefined when the target's app
   * has reported nothing lately.
   */
  lagMs(target: string, now: number): number | undefined {
    const list = this.samples.get(target);
    if (!list) return undefined;
    while (list.length > 0 && list[0]!.at < now - SAMPLE_WINDOW_MS) list.shift();
    if (list.length === 0) return undefined;
    let max = 0;
    for (const s of list) max = Math.max(max, s.lagMs);
    return max;
  }

  private sample(target: string, lagMs: number, at: number, traceId: string): void {
    const list = this.samples.get(target) ?? this.samples.set(target, []).get(target)!;
    list.push({ at, lagMs: Math.max(0, lagMs) });
    if (list.length > MAX_SAMPLES) list.shift();
    // Remember that this trace was measured, so a later span of it is not a second sample.
    this.followed.delete(traceId);
    this.followed.set(traceId, { target, finishedAt: at, sampled: true });
    this.forgetOld(at);
  }

  private forgetOld(now: number): void {
    // Swept now and then, and down to three quarters of the bound: a sweep per message would cost more than the rest.
    if (this.followed.size <= MAX_FOLLOWED && ++this.observed % 256 !== 0) return;
    // Map order is insertion order: the oldest entries are first.
    for (const [id, entry] of this.followed) {
      if (entry.finishedAt >= now - WAIT_LIMIT_MS && this.followed.size <= MAX_FOLLOWED * 0.75) break;
      this.followed.delete(id);
    }
  }
}
