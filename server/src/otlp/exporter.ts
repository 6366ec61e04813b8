import http from 'node:http';
import https from 'node:https';
import type { SpanRecord } from '@hopscope/shared';
import { spanBytes } from '../pipeline/span-size';
import { toExportRequest } from './encode';

const MAX_QUEUE = 10_000;
/** Spans are capped on arrival (cap-span.ts), but 10,000 of the largest would still be 1 GiB: the queue is bounded by size too. */
const MAX_QUEUE_BYTES = 32 * 1024 * 1024;
const BATCH = 512;
const TRANSPORTS: Record<string, typeof http | typeof https> = { 'http:': http, 'https:': https };

/**
 * Forwards every finished span to an external OTLP/HTTP backend (Jaeger,
 * Tempo, a Collector) as OTLP JSON, from a bounded queue flushed every
 * 500 ms: ingest never waits for the backend, and what overflows is counted.
 * The endpoint may be http:// or https:// (certificates checked as Node
 * does: NODE_EXTRA_CA_CERTS adds a private CA). Telemetry never takes the
 * process down: whatever goes wrong with an export (a refused connection, an
 * untrusted certificate, a scheme no transport speaks, a 4xx/5xx) drops that
 * batch, counted in `dropped`, and is reported once on stderr.
 */
export class SpanExporter {
  private queue: SpanRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | undefined;
  private reported = false;
  private queuedBytes = 0;
  dropped = 0;
  /** Why the last failed export failed (shown in the hub's health), until one succeeds. */
  error: string | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly report: (message: string) => void = (m) => console.error(m),
  ) {
    this.timer = setInterval(() => void this.flush(), 500);
    this.timer.unref();
  }

  enqueue(span: SpanRecord): void {
    const bytes = spanBytes(span);
    if (this.queue.length >= MAX_QUEUE || this.queuedBytes + bytes > MAX_QUEUE_BYTES) this.dropped++;
    else {
      this.queue.push(span);
      this.queuedBytes += bytes;
    }
  }

  /** Sends one batch unless one is on its way; resolves when that batch is answered or failed. */
  private flush(): Promise<void> {
    if (this.sending || this.queue.length === 0) return this.sending ?? Promise.resolve();
    const batch = this.queue.splice(0, BATCH);
    for (const span of batch) this.queuedBytes -= spanBytes(span);
    let settled = false;
    let finished!: () => void;
    this.sending = new Promise((resolve) => (finished = resolve));
    const sent = this.sending;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      this.sending = undefined;
      if (error) this.failed(batch.length, error);
      else this.error = undefined;
      finished();
    };
    try {
      const url = new URL(`${this.endpoint.replace(/\/$/, '')}/v1/traces`);
      const transport = TRANSPORTS[url.protocol];
      if (!transport) throw new Error(`${url.protocol} is not a protocol OTLP/HTTP is exported over (use http:// or https://)`);
      const req = transport.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5_000 }, (res) => {
        res.resume();
        const status = res.statusCode ?? 500;
        res.on('end', () => done(status >= 400 ? new Error(`the backend answered ${status}`) : undefined));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', (error) => done(error));
      req.on('close', () => done(new Error('the connection closed before an answer')));
      req.end(JSON.stringify(toExportRequest(batch)));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
    return sent;
  }

  private failed(spans: number, error: Error): void {
    this.dropped += spans;
    this.error = error.message;
    if (this.reported) return;
    this.reported = true;
    this.report(
      `hopscope: exporting spans to ${originOf(this.endpoint)} failed (${error.message}); failed exports are dropped and counted`,
    );
  }

  /** Sends what is still queued (a stopping hub's last spans), for at most `withinMs`; what is left then is dropped and counted. */
  async close(withinMs = 5_000): Promise<void> {
    clearInterval(this.timer);
    const until = Date.now() + withinMs;
    while ((this.queue.length > 0 || this.sending) && Date.now() < until) {
      await Promise.race([this.flush(), new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())).unref())]);
    }
    this.dropped += this.queue.length;
    this.queue = [];
    this.queuedBytes = 0;
  }
}

/** Where spans go, without any credentials or query the endpoint URL may carry. */
function originOf(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'the export endpoint';
  }
}
