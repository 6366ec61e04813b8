import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { LiveSpans } from '../telemetry/live-processor';
import type { ChannelLimits, SpanBatchMessage } from './messages';
import { toWire, type WireSpan } from './wire-span';

/**
 * The proxy worker's side of the bounded span channel to the hub: it takes
 * the SDK's spans, batches them (as WireSpans) and posts them, never holding
 * more than `maxUnacked` events the main thread has not acknowledged. When the
 * hub's thread is busy its acknowledgements come late, the budget runs out,
 * and new events are dropped and counted instead of queueing without bound:
 * the proxy keeps forwarding at full speed whatever the hub does.
 *
 * A start is announced only once its span has been in flight for
 * `announceMs` (at most twice that): a span that ends sooner is sent once,
 * whole, at its end. The dashboard's playback runs 400 ms behind real time,
 * so a request in flight still shows on time, and most requests cost half
 * the records to build, clone and ingest.
 *
 * Starts give way first (they may only use half the budget): losing a start
 * costs a request's in-flight moment on the dashboard, losing an end costs the
 * request itself.
 */
export class SpanChannel implements LiveSpans {
  private batch: WireSpan[] = [];
  /** Starts not posted yet, by span id: those begun since the last tick, and those of the tick before, posted at the next. */
  private recent = new Map<string, ReadableSpan>();
  private due = new Map<string, ReadableSpan>();
  /** Events posted and not yet acknowledged. */
  private unacked = 0;
  private droppedTotal = 0;
  private droppedPosted = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly post: (message: SpanBatchMessage) => void,
    private readonly limits: ChannelLimits,
  ) {}

  spanStarted(span: ReadableSpan): void {
    if (this.held >= Math.floor(this.limits.maxUnacked / 2)) return this.drop();
    this.recent.set(span.spanContext().spanId, span);
    if (!this.ticker) {
      this.ticker = setInterval(() => this.announce(), this.limits.announceMs);
      this.ticker.unref?.();
    }
  }

  spanEnded(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    // A start not posted yet is superseded: the end tells the hub the whole span, and takes the start's place in the budget.
    const superseded = this.recent.delete(id) || this.due.delete(id);
    if (!superseded && this.held >= this.limits.maxUnacked) return this.drop();
    this.batch.push(toWire(span));
    if (this.batch.length >= this.limits.maxBatch) this.flush();
    else this.schedule();
  }

  /** The main thread handed `count` events to the hub. */
  acknowledge(count: number): void {
    this.unacked = Math.max(0, this.unacked - count);
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Events held: posted and unacknowledged, the batch being filled, and the starts waiting to be announced. */
  get held(): number {
    return this.unacked + this.batch.length + this.recent.size + this.due.size;
  }

  /** Posts what is batched now (also when only the drop count changed, so the hub learns of drops even if no span follows). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0 && this.droppedPosted === this.droppedTotal) return;
    const spans = this.batch;
    this.batch = [];
    this.unacked += spans.length;
    this.droppedPosted = this.droppedTotal;
    try {
      this.post({ type: 'spans', spans, dropped: this.droppedTotal });
    } catch {
      // A span that cannot be cloned (it never should) is telemetry lost, not a request broken.
      this.unacked -= spans.length;
      this.droppedTotal += spans.length;
    }
  }

  /** Every tick: the starts of the tick before, still in flight, are posted; those of this tick wait for the next. */
  private announce(): void {
    const posting = this.due;
    for (const span of posting.values()) this.batch.push(toWire(span));
    const any = posting.size > 0;
    posting.clear();
    this.due = this.recent;
    this.recent = posting;
    if (any) this.flush();
    if (this.due.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private drop(): void {
    this.droppedTotal++;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.limits.flushMs);
    this.timer.unref?.();
  }
}
