import { createWriteStream, type WriteStream } from 'node:fs';
import type { RecordingStatus, SpanRecord } from '@hopscope/shared';
import { toExportRequest } from '../otlp/encode';

const FLUSH_MS = 500;
const BATCH = 512;
/** A disk slower than the spans: beyond this much unwritten, batches are dropped and counted, memory stays bounded. */
const MAX_UNWRITTEN_BYTES = 32 * 1024 * 1024;

/**
 * `--record FILE`: appends every finished span to FILE as OTLP JSON lines, one
 * ExportTraceServiceRequest per line (the OpenTelemetry Collector file
 * exporter's format, so other tools read it). Spans are batched (every 500 ms
 * or 512 spans) through one write stream. Like the exporter, it never throws
 * into ingest: a write error is reported once on stderr and what is lost is counted.
 */
export class FileRecorder {
  private pending: SpanRecord[] = [];
  private readonly stream: WriteStream;
  private readonly timer: NodeJS.Timeout;
  private failed = false;
  /** Spans the file accepted. */
  spans = 0;
  /** Spans lost: a write that failed, everything after a failure, batches past the unwritten bound. */
  dropped = 0;
  /** Why writing failed, shown in /api/recording and the hub's health. */
  error: string | undefined;

  constructor(
    readonly file: string,
    private readonly report: (message: string) => void = (m) => console.error(m),
  ) {
    this.stream = createWriteStream(file, { flags: 'a' });
    this.stream.on('error', (error) => this.fail(error));
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  add(span: SpanRecord): void {
    if (this.failed) {
      this.dropped++;
      return;
    }
    this.pending.push(span);
    if (this.pending.length >= BATCH) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.failed || this.stream.writableLength > MAX_UNWRITTEN_BYTES) {
      this.dropped += batch.length;
      return;
    }
    // Counted when the write completes: a write to a full disk fails after it was queued.
    this.stream.write(`${JSON.stringify(toExportRequest(batch))}\n`, (error) => {
      if (error) this.dropped += batch.length;
      else this.spans += batch.length;
    });
  }

  status(): Pick<RecordingStatus, 'file' | 'fileSpans' | 'fileDropped' | 'fileError'> {
    const status: Pick<RecordingStatus, 'file' | 'fileSpans' | 'fileDropped' | 'fileError'> = {
      file: this.file,
      fileSpans: this.spans,
      fileDropped: this.dropped,
    };
    if (this.error !== undefined) status.fileError = this.error;
    return status;
  }

  /** Writes what is pending and closes the file. */
  close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error.message;
    this.report(`hopscope: cannot write the recording to ${this.file}: ${error.message}. Recording stopped; the hub keeps running.`);
  }
}
