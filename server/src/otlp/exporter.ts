import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter as OtelSpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from '@hopscope/shared';
import { spanBytes } from '../pipeline/span-size';
import { ReadableSpans } from './readable-span';

const MAX_QUEUE = 10_000;
/** Spans are capped on arrival (cap-span.ts), but 10,000 of the largest would still be 1 GiB: the queue is bounded by size too. */
const MAX_QUEUE_BYTES = 32 * 1024 * 1024;
const BATCH = 512;

/**
 * Forwards every finished span (the proxy's and the apps') to an external
 * OTLP backend (Jaeger, Tempo, a Collector) through the official OTLP/HTTP
 * exporter, from a bounded queue flushed every 500 ms: ingest never waits for
 * the backend, and what overflows is counted. The exporter reads the standard
 * variables itself: OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _COMPRESSION,
 * _TIMEOUT, _PROTOCOL (`http/json`, hopscope's default, or `http/protobuf`)
 * and the TRACES endpoint, used as given; it retries what the spec calls
 * retryable. https:// endpoints are checked as Node does (NODE_EXTRA_CA_CERTS
 * adds a private CA). Telemetry never takes the process down: a failed
 * export drops that batch, counted in `dropped`, reported once on stderr.
 */
export class SpanExporter {
  private queue: SpanRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | undefined;
  private reported = false;
  private queuedBytes = 0;
  private readonly spans = new ReadableSpans();
  private exporter: OtelSpanExporter | undefined;
  dropped = 0;
  /** Why the last failed export failed (shown in the hub's health), until one succeeds. */
  error: string | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly report: (message: string) => void = (m) => console.error(m),
    private readonly env: NodeJS.ProcessEnv = process.env,
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
      this.exporter ??= this.createExporter();
      this.exporter.export(
        batch.map((span) => this.spans.of(span)),
        (result) => done(result.code === ExportResultCode.SUCCESS ? undefined : (result.error ?? new Error('the export failed'))),
      );
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
    return sent;
  }

  /** The TRACES endpoint is a full URL, used as given (OTLP exporter spec); the general one gets `/v1/traces`. */
  private createExporter(): OtelSpanExporter {
    const url = this.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${this.endpoint.replace(/\/$/, '')}/v1/traces`;
    const scheme = new URL(url).protocol;
    if (scheme !== 'http:' && scheme !== 'https:')
      throw new Error(`${scheme} is not a protocol OTLP/HTTP is exported over (use http:// or https://)`);
    const protocol = (this.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? this.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
    return protocol === 'http/protobuf' ? new ProtobufTraceExporter({ url }) : new JsonTraceExporter({ url });
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
    await this.exporter?.shutdown().catch(() => {});
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
