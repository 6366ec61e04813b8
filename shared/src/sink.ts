import type { SpanRecord } from './model';

/**
 * Where the proxy hands its spans. The CLI plugs the hub's in-process ingest
 * in here (no serialization); an OTLP exporter stands in when the proxy runs
 * apart from the hub. Implementations must never throw into the caller and
 * must not block: they queue or drop (and count the drops).
 */
export interface SpanSink {
  /** A span has started; lets the hub show requests in flight at once. */
  spanStarted(span: SpanRecord): void;
  /** A span has ended (or arrived complete over OTLP). */
  spanEnded(span: SpanRecord): void;
}
