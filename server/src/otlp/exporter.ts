import http from 'node:http';
import type { SpanRecord } from '@hopscope/shared';
import { toExportRequest } from './encode';

const MAX_QUEUE = 10_000;
const BATCH = 512;

/**
 * Forwards every finished span to an external OTLP/HTTP backend (Jaeger,
 * Tempo, a Collector) as OTLP JSON, from a bounded queue flushed every
 * 500 ms: ingest never waits for the backend, and what overflows is counted.
 */
export class SpanExporter {
  private queue: SpanRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private sending = false;
  dropped = 0;

  constructor(private readonly endpoint: string) {
    this.timer = setInterval(() => this.flush(), 500);
    this.timer.unref();
  }

  enqueue(span: SpanRecord): void {
    if (this.queue.length >= MAX_QUEUE) this.dropped++;
    else this.queue.push(span);
  }

  private flush(): void {
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue.splice(0, BATCH);
    const body = JSON.stringify(toExportRequest(batch));
    this.sending = true;
    const req = http.request(
      `${this.endpoint.replace(/\/$/, '')}/v1/traces`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5_000 },
      (res) => {
        res.resume();
        res.on('end', () => (this.sending = false));
        if ((res.statusCode ?? 500) >= 400) this.dropped += batch.length;
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      this.sending = false;
      this.dropped += batch.length;
    });
    req.end(body);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
