import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { formatTraceparent, parseTraceparent, type SpanRecord } from '@hopscope/shared';
import { captureRequestHeaders } from './capture-headers';
import type { ForwardConfig } from './forward-config';
import { upstreamRequestHeaders } from './headers';
import { newTraceId } from './ids';
import { safely, startRequestSpan, startUpstreamSpan } from './spans';

export interface ExchangeStart {
  /** The proxy hop, already announced to the sink. */
  serverSpan: SpanRecord;
  /** The server hop; announce it when the upstream request is sent. */
  clientSpan: SpanRecord;
  /** What goes upstream: stripped, then our own headers added (R1, R2). */
  headers: OutgoingHttpHeaders;
}

/**
 * What every forwarded exchange (plain request or upgrade) starts with: the
 * client's trace continued or a new one, both spans, and the upstream headers
 * carrying the CLIENT span as parent.
 */
export function startExchange(req: IncomingMessage, config: ForwardConfig): ExchangeStart {
  const incomingParent = parseTraceparent(req.headers.traceparent);
  const serverSpan = startRequestSpan(req, config.target, incomingParent?.traceId ?? newTraceId(), incomingParent?.parentSpanId);
  captureRequestHeaders(serverSpan, req.headers, config.captureHeaders);
  safely(config.sink, 'spanStarted', serverSpan);
  const clientSpan = startUpstreamSpan(serverSpan, config.upstream);
  const headers = upstreamRequestHeaders(req.headers, {
    clientAddress: req.socket.remoteAddress ?? '',
    upstreamHost: config.upstream.host,
    via: config.via,
    traceparent: formatTraceparent(serverSpan.traceId, clientSpan.spanId),
    requestStartMicros: Math.round(clientSpan.startMs * 1000),
  });
  return { serverSpan, clientSpan, headers };
}

/** A resend is its own CLIENT span: the app joins the trace under it and measures its queue time from it. */
export function stampAttempt(headers: OutgoingHttpHeaders, clientSpan: SpanRecord): void {
  headers.traceparent = formatTraceparent(clientSpan.traceId, clientSpan.spanId);
  headers['x-request-start'] = `t=${Math.round(clientSpan.startMs * 1000)}`;
}
