import type { Recording, SpanRecord, SpanSink } from '@hopscope/shared';
import { SpanExporter } from '../otlp/exporter';
import { HubRecorders } from '../recording/index';
import { capSpan } from './cap-span';
import { redactSpan } from './redact-span';
import { TraceStore } from './store';

export interface PipelineConfig {
  maxTraces?: number;
  maxSpansPerTrace?: number;
  /** The window's bound in (estimated) bytes of spans, beside maxTraces: the oldest traces go first. */
  maxStoreBytes?: number;
  /** Also export every finished span to this OTLP/HTTP base URL. */
  exportEndpoint?: string;
  /** `--record FILE`: append every finished, redacted span to FILE as OTLP JSON lines. */
  recordFile?: string;
  replay?: Recording;
}

/** The trace pipeline: redact and cap → store (assembled traces) → exporter and recorders. No listeners. */
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
  /** The OTLP export's part of the hub's health: spans not delivered, and why the last export failed. */
  exportHealth(): { exportDropped?: number; exportError?: string };
  /** Spans cut to the size caps on arrival. */
  spansTruncated(): number;
  close(): Promise<void>;
}

/** Spans are capped at 64 Ki characters each (cap-span.ts), so this still holds some thousands of the largest. */
const DEFAULT_MAX_STORE_BYTES = 256 * 1024 * 1024;

export function createPipeline(config: PipelineConfig, onTraceChanged: (traceId: string) => void): Pipeline {
  const exporter = config.exportEndpoint ? new SpanExporter(config.exportEndpoint) : undefined;
  const recorders = new HubRecorders(config.recordFile, config.replay);
  const store = new TraceStore(
    {
      maxTraces: config.maxTraces ?? 10_000,
      maxSpansPerTrace: config.maxSpansPerTrace ?? 256,
      maxBytes: config.maxStoreBytes ?? DEFAULT_MAX_STORE_BYTES,
    },
    onTraceChanged,
  );
  let lagMs = 0;
  let truncated = 0;
  // Redacted and cut to size once, on arrival, before anything keeps or forwards it: the store, the exporter, the recordings.
  const arrive = (span: SpanRecord): SpanRecord => {
    const clean = redactSpan(span);
    if (capSpan(clean)) truncated++;
    return clean;
  };
  const ingestEnded = (span: SpanRecord) => {
    const clean = arrive(span);
    store.add(clean);
    if (clean.endMs !== undefined) lagMs = lagMs * 0.9 + Math.max(0, Date.now() - clean.endMs) * 0.1;
    exporter?.enqueue(clean);
    recorders.add(clean);
  };
  return {
    store,
    recorders,
    // In-flight spans are redacted too: they are stored (and shown) before they end.
    sink: { spanStarted: (span) => store.add(arrive(span)), spanEnded: ingestEnded },
    ingest: (spans) => spans.forEach(ingestEnded),
    ingestLagMs: () => lagMs,
    exportDropped: () => exporter?.dropped ?? 0,
    exportHealth: () => {
      if (!exporter) return {};
      return exporter.error === undefined
        ? { exportDropped: exporter.dropped }
        : { exportDropped: exporter.dropped, exportError: exporter.error };
    },
    spansTruncated: () => truncated,
    close: async () => {
      await Promise.all([exporter?.close(), recorders.close()]);
    },
  };
}
