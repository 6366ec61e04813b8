import type { HopName } from './hops';

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface WorkerStats {
  requests: number;
  busyMs: number;
}

/** Everything `/api/stats` reports for one target. */
export interface TargetStats {
  target: string;
  /** Completed requests since the hub started. */
  requests: number;
  errors: number;
  /** Completed requests per second over the rolling window. */
  rps: number;
  /** Share of failed requests in the rolling window, 0..1. */
  errorRate: number;
  inFlight: number;
  /** Requests sent upstream whose app has not started them yet. */
  queueDepth: number;
  /** Whole-request latency (the proxy hop) over the rolling window. */
  latency: Percentiles;
  /** Per-hop durations over the rolling window. */
  hops: Partial<Record<HopName, Percentiles>>;
  workers: Record<string, WorkerStats>;
}

/** The hub's own health, shown so that nothing is lost silently. */
export interface HubHealth {
  spansReceived: number;
  /** Spans refused or discarded (bad input, per-trace limit, overload). */
  spansDropped: number;
  tracesStored: number;
  tracesEvicted: number;
  /** Mean delay between a span's end and its arrival at the hub, ms. */
  ingestLagMs: number;
  liveClients: number;
  /** Live messages dropped for slow dashboard clients. */
  liveDropped: number;
  /** OTLP export requests refused with 503 because the hub was already reading as much as it allows (absent in replays). */
  ingestRefused?: number;
  /** Proxy span events dropped on their way from the proxies' thread because the hub had not taken the previous ones yet (absent in replays). */
  proxyDropped?: number;
  /** Spans whose name, attributes or events were cut to the size caps on arrival (absent in replays). */
  spansTruncated?: number;
  /** Estimated bytes of the spans the window holds; the window evicts its oldest traces past its byte bound (absent in replays). */
  storeBytes?: number;
  /** Dashboards disconnected because they stopped reading, or refused because too many were connected (absent in replays). */
  liveEvicted?: number;
  /** OTLP export (OTEL_EXPORTER_OTLP_ENDPOINT): spans not delivered (failed exports, a full queue). */
  exportDropped?: number;
  /** OTLP export: why the last export failed, until one succeeds. */
  exportError?: string;
  /** `--record FILE`: spans not written (the file failed, or the disk was slower than the spans). */
  recordDropped?: number;
  /** `--record FILE`: why writing the file failed; the hub keeps running without it. */
  recordError?: string;
}

export interface StatsSnapshot {
  /** Epoch ms when computed. */
  at: number;
  windowMs: number;
  hub: HubHealth;
  targets: Record<string, TargetStats>;
}
