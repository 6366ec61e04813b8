import type { IncomingMessage } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type AttributeValue,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HOPSCOPE_HOP,
  ATTR_HOPSCOPE_SERVER_TIMING,
  ATTR_HOPSCOPE_TARGET,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT,
  redactQuery,
} from '@hopscope/shared';
import { nowMs } from './clock';

/**
 * One proxy span: an OpenTelemetry span (the SDK hands it to the hub's live
 * view and, when exporting, to the exporter) plus the start time the proxy's
 * own headers need (Server-Timing, X-Request-Start), which an unsampled,
 * non-recording span would not keep. Start and end times are given
 * explicitly from one sub-millisecond clock (the SDK's default start is
 * `Date.now()`, whole milliseconds), so the proxy's hops line up with the
 * app's spans and with the X-Request-Start it sends.
 */
export class ProxySpan {
  private ended = false;

  constructor(
    readonly otel: Span,
    readonly startMs: number,
    /** The request's path and query as recorded (credential-like values redacted), for the CLIENT span's `url.full`. */
    readonly recordedUrl = '',
  ) {}

  get context(): SpanContext {
    return this.otel.spanContext();
  }

  set(key: string, value: AttributeValue): void {
    this.otel.setAttribute(key, value);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.otel.end(nowMs());
  }
}

/** What starting a span needs: the tracer, and the target the proxy serves. */
export interface SpanStarter {
  tracer: Tracer;
  target: string;
}

/**
 * The proxy hop: a SERVER span, child of the caller's span when the request
 * carried a valid traceparent (`parent`, extracted by the W3C propagator).
 * Named after the method only (HTTP semantic conventions: `{method}
 * {http.route}`, and the proxy knows no route).
 */
export function startRequestSpan(request: IncomingMessage, starter: SpanStarter, parent: Context): ProxySpan {
  const url = request.url ?? '/';
  const q = url.indexOf('?');
  const method = request.method ?? 'GET';
  const attributes: Record<string, AttributeValue> = {
    [ATTR_HOPSCOPE_HOP]: 'proxy',
    [ATTR_HOPSCOPE_TARGET]: starter.target,
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_SCHEME]: 'http',
    [ATTR_CLIENT_ADDRESS]: request.socket.remoteAddress ?? '',
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
  };
  const path = q < 0 ? url : url.slice(0, q);
  let recordedUrl = path;
  if (q >= 0) {
    const query = redactQuery(url.slice(q + 1));
    attributes[ATTR_URL_QUERY] = query;
    recordedUrl = `${path}?${query}`;
  }
  const agent = request.headers['user-agent'];
  if (agent) attributes[ATTR_USER_AGENT] = agent;
  attributes[ATTR_URL_PATH] = path;
  addHostAttributes(attributes, request.headers.host);
  const startMs = nowMs();
  return new ProxySpan(
    starter.tracer.startSpan(method, { kind: SpanKind.SERVER, attributes, startTime: startMs }, parent),
    startMs,
    recordedUrl,
  );
}

/** The server hop: the CLIENT span of the call to the upstream, child of the proxy hop. `url.full` carries the redacted query. */
export function startUpstreamSpan(starter: SpanStarter, parent: ProxySpan, method: string, upstream: URL, basePath: string): ProxySpan {
  const full = upstream.origin + basePath + parent.recordedUrl;
  const attributes: Record<string, AttributeValue> = {
    [ATTR_HOPSCOPE_HOP]: 'server',
    [ATTR_HOPSCOPE_TARGET]: starter.target,
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_SERVER_ADDRESS]: upstream.hostname,
    [ATTR_SERVER_PORT]: Number(upstream.port || 80),
    [ATTR_URL_FULL]: full,
    [ATTR_NETWORK_PROTOCOL_VERSION]: '1.1',
  };
  const startMs = nowMs();
  const context = trace.setSpan(ROOT_CONTEXT, parent.otel);
  return new ProxySpan(starter.tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes, startTime: startMs }, context), startMs);
}

/**
 * Response headers arrived from the upstream. CLIENT spans mark 4xx and 5xx as
 * errors (semconv); a 5xx names its status code as `error.type`, which is
 * the server hop's failure (the hub reads `error.type` on the proxy's SERVER
 * span as a failure of the proxy itself, so that one keeps it for those).
 */
export function recordUpstreamResponse(span: ProxySpan, status: number, serverTiming: string | undefined): void {
  span.set(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (serverTiming) span.set(ATTR_HOPSCOPE_SERVER_TIMING, serverTiming);
  if (status >= 500) span.set(ATTR_ERROR_TYPE, String(status));
  if (status >= 400) span.otel.setStatus({ code: SpanStatusCode.ERROR });
}

/** SERVER spans leave 4xx unset and mark 5xx as errors (semconv). */
export function recordResponseStatus(span: ProxySpan, status: number): void {
  span.set(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status >= 500) span.otel.setStatus({ code: SpanStatusCode.ERROR });
}

export function recordErrorInSpan(span: ProxySpan, errorType: string, message: string): void {
  span.set(ATTR_ERROR_TYPE, errorType);
  span.otel.setStatus({ code: SpanStatusCode.ERROR, message });
}

export function endSpan(span: ProxySpan): void {
  span.end();
}

/** `server.address` and `server.port` of a SERVER span: the Host the client asked for (semconv), when it sent one. */
function addHostAttributes(attributes: Record<string, AttributeValue>, host: string | undefined): void {
  if (!host) return;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  if (!match) return;
  attributes[ATTR_SERVER_ADDRESS] = match[1]!.replace(/^\[|\]$/g, '');
  if (match[2]) attributes[ATTR_SERVER_PORT] = Number(match[2]);
}
