import {
  APP_HOPS,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HOPSCOPE_HOP,
  ATTR_HOPSCOPE_SERVER_TIMING,
  ATTR_HOPSCOPE_TARGET,
  ATTR_HOPSCOPE_WORKER,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  EVENT_EXCEPTION,
  hopOrder,
  isHopName,
  type AttrScalar,
  type Hop,
  type HopError,
  type HopName,
  type SpanRecord,
  type Trace,
} from '@hopscope/shared';
import { synthesizeFromServerTiming } from './synthesize';

/**
 * Builds the API's view of one trace from whatever spans have arrived, in any
 * order. Pure: called again whenever a span of the trace arrives, so late and
 * out-of-order spans simply produce a more complete trace.
 */
export function assembleTrace(spans: readonly SpanRecord[], nowMs: number): Trace | undefined {
  const byHop = new Map<HopName, SpanRecord>();
  for (const span of spans) {
    const hop = hopOf(span);
    if (!hop) continue;
    const seen = byHop.get(hop);
    if (!seen || span.startMs < seen.startMs) byHop.set(hop, span);
  }
  if (byHop.size === 0) return undefined;

  const hops: Hop[] = [...byHop].map(([hop, span]) => measuredHop(hop, span, nowMs));
  const server = hops.find((h) => h.hop === 'server');
  const hasAppHops = hops.some((h) => APP_HOPS.includes(h.hop));
  if (!hasAppHops && server) hops.push(...synthesizeFromServerTiming(server, byHop.get('server')!.attributes[ATTR_HOPSCOPE_SERVER_TIMING]));
  const gateway = hops.find((h) => h.hop === 'gateway');
  if (server && gateway?.measured) {
    // The queue hop: sent upstream, not yet picked up by a worker (DESIGN.md hop model).
    hops.push({
      hop: 'queue',
      start: server.start,
      duration: Math.max(0, gateway.start - server.start),
      measured: false,
      source: 'derived',
      inFlight: false,
      attributes: {},
    });
  }
  hops.sort((a, b) => hopOrder(a.hop) - hopOrder(b.hop) || a.start - b.start);

  const proxySpan = byHop.get('proxy');
  const appSpan = byHop.get('gateway');
  const root = byHop.get('client') ?? proxySpan ?? appSpan ?? spans[0]!;
  const first = (...values: unknown[]) => values.find((v) => v !== undefined && v !== '');
  const trace: Trace = {
    traceId: root.traceId,
    target: String(
      first(
        proxySpan?.attributes[ATTR_HOPSCOPE_TARGET],
        byHop.get('client')?.attributes[ATTR_HOPSCOPE_TARGET],
        appSpan?.resource[ATTR_SERVICE_NAME],
      ) ?? 'unknown',
    ),
    method: String(first(proxySpan?.attributes[ATTR_HTTP_REQUEST_METHOD], appSpan?.attributes[ATTR_HTTP_REQUEST_METHOD]) ?? 'GET'),
    path: String(first(proxySpan?.attributes[ATTR_URL_PATH], appSpan?.attributes[ATTR_URL_PATH]) ?? '/'),
    start: Math.min(...hops.map((h) => h.start)),
    inFlight: root.endMs === undefined,
    hops,
  };
  const route = first(
    byHop.get('route')?.attributes[ATTR_HTTP_ROUTE],
    appSpan?.attributes[ATTR_HTTP_ROUTE],
    byHop.get('view')?.attributes[ATTR_HTTP_ROUTE],
  );
  if (route !== undefined) trace.route = String(route);
  const status = first(proxySpan?.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], appSpan?.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]);
  if (typeof status === 'number') trace.status = status;
  if (root.endMs !== undefined) trace.duration = root.endMs - root.startMs;
  const worker = workerOf(byHop);
  if (worker) trace.worker = worker;
  const error = proxySpan?.attributes[ATTR_ERROR_TYPE] ?? hops.find((h) => h.error)?.error?.type;
  if (error !== undefined) trace.error = String(error);
  return trace;
}

/** A span's hop: its `hopscope.hop`, or `gateway` for an app's SERVER span that did not say. */
export function hopOf(span: SpanRecord): HopName | undefined {
  const declared = span.attributes[ATTR_HOPSCOPE_HOP];
  if (isHopName(declared)) return declared;
  if (declared === undefined && span.kind === 'server') return 'gateway';
  return undefined;
}

function measuredHop(hop: HopName, span: SpanRecord, nowMs: number): Hop {
  const result: Hop = {
    hop,
    start: span.startMs,
    duration: Math.max(0, (span.endMs ?? nowMs) - span.startMs),
    measured: true,
    source: 'measured',
    inFlight: span.endMs === undefined,
    name: span.name,
    spanId: span.spanId,
    attributes: scalarAttributes(span),
  };
  const status = span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE];
  if (typeof status === 'number') result.status = status;
  const error = errorOf(span);
  if (error) result.error = error;
  return result;
}

function errorOf(span: SpanRecord): HopError | undefined {
  const exception = span.events.find((e) => e.name === EVENT_EXCEPTION);
  if (exception) {
    const error: HopError = { type: String(exception.attributes[ATTR_EXCEPTION_TYPE] ?? 'Exception') };
    if (exception.attributes[ATTR_EXCEPTION_MESSAGE] !== undefined) error.message = String(exception.attributes[ATTR_EXCEPTION_MESSAGE]);
    if (exception.attributes[ATTR_EXCEPTION_STACKTRACE] !== undefined)
      error.stack = String(exception.attributes[ATTR_EXCEPTION_STACKTRACE]);
    return error;
  }
  const type = span.attributes[ATTR_ERROR_TYPE];
  if (type !== undefined) return span.status.message ? { type: String(type), message: span.status.message } : { type: String(type) };
  return undefined;
}

function workerOf(byHop: Map<HopName, SpanRecord>): string | undefined {
  for (const hop of ['gateway', 'view', 'route', 'response'] as const) {
    const span = byHop.get(hop);
    const worker = span?.attributes[ATTR_HOPSCOPE_WORKER] ?? span?.resource[ATTR_PROCESS_PID];
    if (worker !== undefined) return String(worker);
  }
  return undefined;
}

function scalarAttributes(span: SpanRecord): Record<string, AttrScalar> {
  const out: Record<string, AttrScalar> = {};
  for (const key in span.attributes) {
    const value = span.attributes[key]!;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
