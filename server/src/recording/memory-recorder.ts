import type { RecordingStatus, SpanRecord } from '@hopscope/shared';
import { spanBytes } from '../pipeline/span-size';

/** Enough for a long talk (~60 k requests of 8 hops) while bounding memory. */
const DEFAULT_MAX_SPANS = 500_000;
/** And by size: spans are capped on arrival (cap-span.ts), yet 500,000 of the largest would be tens of GiB. */
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The dashboard's Record button: finished, redacted spans kept in memory
 * between start and stop, bounded by count and size (what does not fit is counted, not kept).
 */
export class MemoryRecorder {
  private spans: SpanRecord[] = [];
  private active = false;
  private dropped = 0;
  private bytes = 0;

  constructor(
    private readonly maxSpans = DEFAULT_MAX_SPANS,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /** Starting again clears the previous recording. */
  start(): void {
    this.spans = [];
    this.dropped = 0;
    this.bytes = 0;
    this.active = true;
  }

  stop(): void {
    this.active = false;
  }

  add(span: SpanRecord): void {
    if (!this.active) return;
    const bytes = spanBytes(span);
    if (this.spans.length >= this.maxSpans || this.bytes + bytes > this.maxBytes) this.dropped++;
    else {
      this.spans.push(span);
      this.bytes += bytes;
    }
  }

  recorded(): readonly SpanRecord[] {
    return this.spans;
  }

  /** With `file`, the `--record FILE` recorder's own status (spans written, lost, why it failed) joins in. */
  status(file?: Partial<RecordingStatus>): RecordingStatus {
    return { recording: this.active, spans: this.spans.length, dropped: this.dropped, ...file };
  }
}
