import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, isSpanContextValid } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { captureRequestHeaders } from './capture-headers';
import type { ForwardConfig } from './forward-config';
import { upstreamRequestHeaders } from './headers';
import { startRequestSpan, startUpstreamSpan, type ProxySpan } from './spans';

/**
 * W3C Trace Context (traceparent and tracestate) in through the SDK's own
 * propagator: an invalid traceparent starts a new trace, and the caller's
 * tracestate travels on with the span context to the upstream (the SDK keeps
 * a parent's tracestate on its children). Out, traceHeaders writes what its
 * inject() writes.
 */
const propagator = new W3CTraceContextPropagator();

export interface ExchangeStart {
  /** The proxy hop (a SERVER span, started: the live view already has it). */
  serverSpan: ProxySpan;
  /** The server hop (a CLIENT span, started). */
  clientSpan: ProxySpan;
  /** What goes upstream: stripped, then our own headers added (R1, R2). */
  headers: OutgoingHttpHeaders;
}

/**
 * What every forwarded exchange (plain request or upgrade) starts with: the
 * client's trace continued or a new one, both spans, and the upstream headers
 * carrying the CLIENT span as parent.
 */
export function startExchange(req: IncomingMessage, config: ForwardConfig): ExchangeStart {
  const parent = incomingContext(req);
  const serverSpan = startRequestSpan(req, config, parent);
  captureRequestHeaders(serverSpan, req.headers, config.captureHeaders);
  const clientSpan = startUpstreamSpan(config, serverSpan, req.method ?? 'GET', config.upstream, config.basePath);
  const context = traceHeaders(clientSpan);
  const headers = upstreamRequestHeaders(req.headers, {
    clientAddress: req.socket.remoteAddress ?? '',
    upstreamHost: config.upstream.host,
    via: config.via,
    traceparent: context.traceparent ?? '',
    tracestate: context.tracestate,
    requestStartMicros: Math.round(clientSpan.startMs * 1000),
  });
  return { serverSpan, clientSpan, headers };
}

/** The caller's span context, or none (a new trace) when it sent no valid traceparent. */
export function incomingContext(req: IncomingMessage) {
  // Without a traceparent the propagator returns the context it was given; most requests carry none.
  if (req.headers.traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
}

/** A resend is its own CLIENT span: the app joins the trace under it and measures its queue time from it. */
export function stampAttempt(headers: OutgoingHttpHeaders, clientSpan: ProxySpan): void {
  const context = traceHeaders(clientSpan);
  headers.traceparent = context.traceparent;
  if (context.tracestate) headers.tracestate = context.tracestate;
  headers['x-request-start'] = `t=${Math.round(clientSpan.startMs * 1000)}`;
}

/**
 * The traceparent and tracestate that name `span` as the parent, as the
 * propagator writes them (W3C Trace Context §3.2: version 00, the ids, the
 * flags as two hex digits), without a Context and a carrier per request.
 */
export function traceHeaders(span: ProxySpan): { traceparent?: string; tracestate?: string } {
  const context = span.context;
  // The propagator writes nothing for an invalid span context either.
  if (!isSpanContextValid(context)) return {};
  const flags = Number(context.traceFlags || TraceFlags.NONE).toString(16);
  const headers: { traceparent?: string; tracestate?: string } = { traceparent: `00-${context.traceId}-${context.spanId}-0${flags}` };
  if (context.traceState) headers.tracestate = context.traceState.serialize();
  return headers;
}
