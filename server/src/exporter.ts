import http from 'node:http';
import { ATTR_SERVICE_NAME, type AttrValue, type SpanRecord } from '@hopscope/shared';

const MAX_QUEUE = 10_000;
const BATCH = 512;
const KIND_NUMBER = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;

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
    const req = http.request(`${this.endpoint.replace(/\/$/, '')}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 5_000 }, (res) => {
      res.resume();
      res.on('end', () => (this.sending = false));
      if ((res.statusCode ?? 500) >= 400) this.dropped += batch.length;
    });
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

function toExportRequest(spans: SpanRecord[]) {
  return {
    resourceSpans: spans.map((span) => ({
      resource: { attributes: toKeyValues({ [ATTR_SERVICE_NAME]: 'hopscope', ...span.resource }) },
      scopeSpans: [
        {
          scope: { name: 'hopscope' },
          spans: [
            {
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: KIND_NUMBER[span.kind],
              startTimeUnixNano: msToNanos(span.startMs),
              endTimeUnixNano: msToNanos(span.endMs ?? span.startMs),
              attributes: toKeyValues(span.attributes),
              events: span.events.map((e) => ({ timeUnixNano: msToNanos(e.timeMs), name: e.name, attributes: toKeyValues(e.attributes) })),
              status: { code: STATUS_NUMBER[span.status.code], message: span.status.message ?? '' },
            },
          ],
        },
      ],
    })),
  };
}

function msToNanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

function toKeyValues(attributes: Record<string, AttrValue>) {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

function toAnyValue(value: AttrValue): Record<string, unknown> {
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}
