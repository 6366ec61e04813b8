import type { IncomingMessage } from 'node:http';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HOPSCOPE_HOP,
  ATTR_HOPSCOPE_SERVER_TIMING,
  ATTR_HOPSCOPE_TARGET,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  redactQuery,
  type SpanRecord,
  type SpanSink,
} from '@hopscope/shared';
import { nowMs } from './clock';
import { newSpanId } from './ids';

/**
 * The span lifecycle of one proxied request, as named hooks (like
 * fastify/otel): a SERVER span for the proxy hop, a CLIENT span for the
 * upstream call. Spans are plain SpanRecords handed to the sink; the sink is
 * called through `safely` so telemetry can never throw into the request path.
 */
export function safely(sink: SpanSink, method: 'spanStarted' | 'spanEnded', span: SpanRecord): void {
  try {
    sink[method](span);
  } catch {
    // A sink must not throw (SpanSink contract); if one does, the request still goes on.
  }
}

export function startRequestSpan(request: IncomingMessage, target: string, traceId: string, parentSpanId: string | undefined): SpanRecord {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  const span: SpanRecord = {
    traceId,
    spanId: newSpanId(),
    name: `${request.method} ${target}`,
    kind: 'server',
    startMs: nowMs(),
    attributes: {
      [ATTR_HOPSCOPE_HOP]: 'proxy',
      [ATTR_HOPSCOPE_TARGET]: target,
      [ATTR_HTTP_REQUEST_METHOD]: request.method ?? 'GET',
      [ATTR_URL_PATH]: q < 0 ? url : url.slice(0, q),
      [ATTR_CLIENT_ADDRESS]: request.socket.remoteAddress ?? '',
    },
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (q >= 0) span.attributes[ATTR_URL_QUERY] = redactQuery(url.slice(q + 1));
  return span;
}

export function startUpstreamSpan(parent: SpanRecord, upstream: URL): SpanRecord {
  return {
    traceId: parent.traceId,
    spanId: newSpanId(),
    parentSpanId: parent.spanId,
    name: `${parent.attributes[ATTR_HTTP_REQUEST_METHOD]} upstream`,
    kind: 'client',
    startMs: nowMs(),
    attributes: {
      [ATTR_HOPSCOPE_HOP]: 'server',
      [ATTR_HOPSCOPE_TARGET]: parent.attributes[ATTR_HOPSCOPE_TARGET] ?? '',
      [ATTR_HTTP_REQUEST_METHOD]: parent.attributes[ATTR_HTTP_REQUEST_METHOD] ?? 'GET',
      [ATTR_SERVER_ADDRESS]: upstream.hostname,
      [ATTR_SERVER_PORT]: Number(upstream.port || 80),
    },
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
}

/** Response headers arrived from the upstream. CLIENT spans mark 4xx and 5xx as errors (semconv). */
export function recordUpstreamResponse(span: SpanRecord, status: number, serverTiming: string | undefined): void {
  span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (serverTiming) span.attributes[ATTR_HOPSCOPE_SERVER_TIMING] = serverTiming;
  if (status >= 400) span.status = { code: 'error' };
}

/** SERVER spans leave 4xx unset and mark 5xx as errors (semconv). */
export function recordResponseStatus(span: SpanRecord, status: number): void {
  span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (status >= 500) span.status = { code: 'error' };
}

export function recordErrorInSpan(span: SpanRecord, errorType: string, message: string): void {
  span.attributes[ATTR_ERROR_TYPE] = errorType;
  span.status = { code: 'error', message };
}

export function endSpan(sink: SpanSink, span: SpanRecord): void {
  if (span.endMs !== undefined) return;
  span.endMs = nowMs();
  safely(sink, 'spanEnded', span);
}
