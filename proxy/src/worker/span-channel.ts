import type { SpanRecord, SpanSink } from '@hopscope/shared';
import type { ChannelLimits, SpanBatchMessage, SpanEntry } from './messages';

/**
 * The proxy worker's side of the bounded span channel to the hub: a SpanSink
 * that batches span events and posts them, never holding more than
 * `maxUnacked` events the main thread has not acknowledged. When the hub's
 * thread is busy its acknowledgements come late, the budget runs out, and new
 * events are dropped and counted instead of queueing without bound: the proxy
 * keeps forwarding at full speed whatever the hub does.
 *
 * Starts give way first (they may only use half the budget): losing a start
 * costs a request's in-flight moment on the dashboard, losing an end costs the
 * request itself.
 */
export class SpanChannel implements SpanSink {
  private batch: SpanEntry[] = [];
  /** Events posted and not yet acknowledged. */
  private unacked = 0;
  private droppedTotal = 0;
  private droppedPosted = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly post: (message: SpanBatchMessage) => void,
    private readonly limits: ChannelLimits,
  ) {}

  spanStarted(span: SpanRecord): void {
    this.push('start', span, Math.floor(this.limits.maxUnacked / 2));
  }

  spanEnded(span: SpanRecord): void {
    this.push('end', span, this.limits.maxUnacked);
  }

  /** The main thread handed `count` events to the hub. */
  acknowledge(count: number): void {
    this.unacked = Math.max(0, this.unacked - count);
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Events held: posted and unacknowledged, plus the batch being filled. */
  get held(): number {
    return this.unacked + this.batch.length;
  }

  /** Posts what is batched now (also when only the drop count changed, so the hub learns of drops even if no span follows). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0 && this.droppedPosted === this.droppedTotal) return;
    const entries = this.batch;
    this.batch = [];
    this.unacked += entries.length;
    this.droppedPosted = this.droppedTotal;
    try {
      this.post({ type: 'spans', entries, dropped: this.droppedTotal });
    } catch {
      // A span that cannot be cloned (it never should) is telemetry lost, not a request broken.
      this.unacked -= entries.length;
      this.droppedTotal += entries.length;
    }
  }

  private push(kind: SpanEntry[0], span: SpanRecord, limit: number): void {
    if (this.held >= limit) {
      this.droppedTotal++;
      this.schedule();
      return;
    }
    this.batch.push([kind, span]);
    if (this.batch.length >= this.limits.maxBatch) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.limits.flushMs);
    this.timer.unref?.();
  }
}
