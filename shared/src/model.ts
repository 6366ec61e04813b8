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
  /** The instrumentation scope that made the span (e.g. `@opentelemetry/instrumentation-express`). */
  scope?: { name: string; version?: string };
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
  /**
   * True when the hop was derived from timestamps of whole milliseconds (OTel
   * SDKs that stamp `Date.now()`): its start and duration are only good to ±1 ms.
   */
  imprecise?: boolean;
}

/**
 * Every span of a trace, for the waterfall's tree (like Jaeger's): hop spans
 * and the rest (middleware, template rendering, anything the mapping does not
 * place). `hop` is set on the spans that measured a hop.
 */
export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  /** Epoch milliseconds. */
  start: number;
  /** Milliseconds; for a span still running, the time elapsed so far. */
  duration: number;
  inFlight: boolean;
  /** `service.name` of the process that made it. */
  service?: string;
  scope?: string;
  hop?: HopName;
  status: SpanStatusCode;
  error?: HopError;
  attributes: Record<string, AttrScalar>;
}

/** A log record the app exported with this trace's id (OTLP logs), shown at its time. */
export interface TraceLog {
  /** Epoch milliseconds. */
  time: number;
  /** OTLP severity text (`INFO`, `ERROR`, …), or one derived from the severity number. */
  severity: string;
  body: string;
  spanId?: string;
  /** The hop of the span it was written in, when that span is a hop span. */
  hop?: HopName;
  service?: string;
  attributes: Record<string, AttrScalar>;
}

/** The kind of server the app's spans say it is, for words that fit the stack ("Gateway (ASGI)"). */
export type StackKind = 'wsgi' | 'asgi' | 'node' | 'other';

export type CallKind = 'db' | 'http' | 'cache' | 'messaging' | 'other';

/** An outgoing call a request made below the app's hops (a CLIENT span: database, HTTP, cache, messaging). */
export interface Call {
  kind: CallKind;
  name: string;
  /** `db.system.name`, `messaging.system`, or `http` for HTTP clients. */
  system?: string;
  /** Where it went: `server.address[:port]`, a database name, a redacted URL. */
  target?: string;
  /** The statement with its literals replaced by `?` (never the literals). */
  statement?: string;
  /** Epoch milliseconds. */
  start: number;
  duration: number;
  /** The app hop it happened in (usually `view`). */
  hop?: HopName;
  status?: number;
  error?: string;
  spanId?: string;
  /** The request this HTTP call made when it went through a hopscope proxy too (its id in the API). */
  request?: string;
  /** That request's target. */
  requestTarget?: string;
}

/** The request whose outgoing call made this one (same trace, another service behind hopscope). */
export interface Caller {
  /** The calling request's id in the API. */
  request: string;
  /** Its target, when it went through a hopscope proxy. */
  target?: string;
  /** The calling span (the caller's HTTP CLIENT span). */
  spanId: string;
}

/** A problem detected in one request. */
export type Finding =
  | { kind: 'repeated_query'; statement: string; count: number; totalMs: number }
  | { kind: 'sequential_calls'; count: number; totalMs: number; savedMs: number; targets: string[] }
  | { kind: 'blocked_event_loop'; ms: number };

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
  /** What kind of server the app is, from its spans' resource and scope; missing without app spans. */
  stack?: StackKind;
  /** Every span of the trace (the waterfall's tree); missing in summaries. */
  spans?: TraceSpan[];
  /** Log records exported with this trace's id. */
  logs?: TraceLog[];
  /** Outgoing calls (database, HTTP, cache, messaging) made below the app's hops. */
  calls?: Call[];
  /** Calls beyond the per-trace cap, counted but not listed (findings still count them). */
  callsDropped?: number;
  findings?: Finding[];
  /** Set when another request's outgoing call made this one. */
  calledBy?: Caller;
}

export interface TargetInfo {
  name: string;
  /** Where the proxy forwards to. */
  upstream: string;
  /** Where clients send requests (the proxy's listener); empty while an ephemeral port is not yet chosen. */
  proxy: string;
  /**
   * `starting` until the target's proxy listens, `failed` when it could not
   * (or its thread stopped); missing means ready (recordings, older hubs).
   */
  state?: TargetState;
  /** Why the target failed, when it did. */
  error?: string;
}

export type TargetState = 'starting' | 'ready' | 'failed';
