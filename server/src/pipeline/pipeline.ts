import type { Recording, SpanRecord, SpanSink } from '@hopscope/shared';
import { SpanExporter } from '../otlp/exporter';
import { HubRecorders } from '../recording/index';
import { redactSpan } from './redact-span';
import { TraceStore } from './store';

export interface PipelineConfig {
  maxTraces?: number;
  maxSpansPerTrace?: number;
  /** Also export every finished span to this OTLP/HTTP base URL. */
  exportEndpoint?: string;
  /** `--record FILE`: append every finished, redacted span to FILE as OTLP JSON lines. */
  recordFile?: string;
  replay?: Recording;
}

/** The trace pipeline: redact → store (assembled traces) → exporter and recorders. No listeners. */
export interface Pipeline {
  store: TraceStore;
  recorders: HubRecorders;
  /** In-process ingest for the proxy: starting spans (in flight) and ended ones. */
  sink: SpanSink;
  /** Ended spans from OTLP. */
  ingest(spans: SpanRecord[]): void;
  /** Smoothed delay between a span's end and its arrival here. */
  ingestLagMs(): number;
  exportDropped(): number;
  close(): Promise<void>;
}

export function createPipeline(config: PipelineConfig, onTraceChanged: (traceId: string) => void): Pipeline {
  const exporter = config.exportEndpoint ? new SpanExporter(config.exportEndpoint) : undefined;
  const recorders = new HubRecorders(config.recordFile, config.replay);
  const store = new TraceStore({ maxTraces: config.maxTraces ?? 10_000, maxSpansPerTrace: config.maxSpansPerTrace ?? 256 }, onTraceChanged);
  let lagMs = 0;
  const ingestEnded = (span: SpanRecord) => {
    // Redacted once, before anything keeps or forwards it: the store, the exporter, the recordings.
    const clean = redactSpan(span);
    store.add(clean);
    if (clean.endMs !== undefined) lagMs = lagMs * 0.9 + Math.max(0, Date.now() - clean.endMs) * 0.1;
    exporter?.enqueue(clean);
    recorders.add(clean);
  };
  return {
    store,
    recorders,
    // In-flight spans are redacted too: they are stored (and shown) before they end.
    sink: { spanStarted: (span) => store.add(redactSpan(span)), spanEnded: ingestEnded },
    ingest: (spans) => spans.forEach(ingestEnded),
    ingestLagMs: () => lagMs,
    exportDropped: () => exporter?.dropped ?? 0,
    close: async () => {
      exporter?.close();
      await recorders.close();
    },
  };
}
