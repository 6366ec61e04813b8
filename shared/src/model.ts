import type { HopName } from './hops';

export type AttrScalar = string | number | boolean;
export type AttrValue = AttrScalar | AttrScalar[];
export type Attributes = Record<string, AttrValue>;

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatusCode = 'unset' | 'ok' | 'error';

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

/**
 * One span as the hub keeps it, whatever way it arrived (in process from the
 * proxy, or OTLP from an app). Times are epoch milliseconds with sub-ms
 * fractions; `endMs` is missing while the span is still running (a start
 * announcement).
 */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  startMs: number;
  endMs?: number;
  attributes: Attributes;
  resource: Attributes;
  status: { code: SpanStatusCode; message?: string };
  events: SpanEvent[];
}

/** How a hop's timing was obtained. */
export type HopSource = 'measured' | 'derived' | 'synthesized';

export interface HopError {
  type: string;
  message?: string;
  stack?: string;
}

/** One station of one request, as the API and the dashboard see it. */
export interface Hop {
  hop: HopName;
  /** Epoch milliseconds. */
  start: number;
  /** Milliseconds; for a hop still running, the time elapsed so far. */
  duration: number;
  /** True when a span measured it; false when derived or synthesized. */
  measured: boolean;
  source: HopSource;
  inFlight: boolean;
  name?: string;
  spanId?: string;
  status?: number;
  error?: HopError;
  attributes: Record<string, AttrScalar>;
}

/** One request's journey (DESIGN.md "A trace as the API returns it"). */
export interface Trace {
  traceId: string;
  target: string;
  method: string;
  path: string;
  route?: string;
  status?: number;
  /** Epoch milliseconds. */
  start: number;
  /** Milliseconds; missing while in flight. */
  duration?: number;
  worker?: string;
  /** An `error.type` or exception type when the request failed. */
  error?: string;
  inFlight: boolean;
  hops: Hop[];
}

export interface TargetInfo {
  name: string;
  /** Where the proxy forwards to. */
  upstream: string;
  /** Where clients send requests (the proxy's listener). */
  proxy: string;
}
