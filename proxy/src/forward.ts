import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { formatServerTiming, parseServerTiming, parseTraceparent, formatTraceparent, type SpanSink } from '@hopscope/shared';
import { nowMs } from './clock';
import { failureBody, failureFromUpstreamError, proxyFailure, type ProxyFailure } from './errors';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';
import { newTraceId } from './ids';
import {
  endSpan,
  recordErrorInSpan,
  recordResponseStatus,
  recordUpstreamResponse,
  safely,
  startRequestSpan,
  startUpstreamSpan,
} from './spans';

export interface ForwardConfig {
  target: string;
  upstream: URL;
  /** Path prefix of the upstream URL ('' for the root). */
  basePath: string;
  agent: http.Agent;
  sink: SpanSink;
  via: string;
  upstreamHeaderTimeoutMs: number;
}

const TIMEOUT = Object.assign(new Error('upstream response header timeout'), { code: 'HOPSCOPE_PROXY_UPSTREAM_TIMEOUT' });

/**
 * Forwards one request to the upstream: exactly one attempt, bodies streamed
 * both ways, every outcome ending both spans. The one primitive the routing
 * layer (create-proxy.ts) calls.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, config: ForwardConfig): void {
  const incomingParent = parseTraceparent(req.headers.traceparent);
  const serverSpan = startRequestSpan(req, config.target, incomingParent?.traceId ?? newTraceId(), incomingParent?.parentSpanId);
  safely(config.sink, 'spanStarted', serverSpan);
  const clientSpan = startUpstreamSpan(serverSpan, config.upstream);
  const startedAt = serverSpan.startMs;

  const upstreamReq = http.request({
    host: config.upstream.hostname,
    port: config.upstream.port || 80,
    method: req.method,
    path: config.basePath + (req.url ?? '/'),
    agent: config.agent,
    headers: upstreamRequestHeaders(req.headers, {
      clientAddress: req.socket.remoteAddress ?? '',
      upstreamHost: config.upstream.host,
      via: config.via,
      traceparent: formatTraceparent(serverSpan.traceId, clientSpan.spanId),
      requestStartMicros: Math.round(clientSpan.startMs * 1000),
    }),
  });
  safely(config.sink, 'spanStarted', clientSpan);

  let responseStarted = false;
  let finished = false;
  const headerTimer = setTimeout(() => upstreamReq.destroy(TIMEOUT), config.upstreamHeaderTimeoutMs);

  const fail = (failure: ProxyFailure) => {
    if (finished) return;
    finished = true;
    clearTimeout(headerTimer);
    recordErrorInSpan(clientSpan, failure.errorType, failure.message);
    endSpan(config.sink, clientSpan);
    recordErrorInSpan(serverSpan, failure.errorType, failure.message);
    if (res.headersSent) {
      // R11: a body cut short must reach the client as an aborted response, not a clean end.
      res.destroy();
    } else {
      recordResponseStatus(serverSpan, failure.status);
      const body = failureBody(failure);
      // R13: the request body may be unread; close the connection so leftover bytes are not parsed as a request.
      res.writeHead(failure.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
    }
    req.unpipe(upstreamReq);
    endSpan(config.sink, serverSpan);
  };

  upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
    if (responseStarted) return fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START'));
    fail(failureFromUpstreamError(error));
  });

  upstreamReq.on('response', (upstreamRes) => {
    responseStarted = true;
    clearTimeout(headerTimer);
    const status = upstreamRes.statusCode ?? 502;
    const upstreamTiming = upstreamRes.headers['server-timing'];
    const rawTiming = Array.isArray(upstreamTiming) ? upstreamTiming.join(', ') : upstreamTiming;
    recordUpstreamResponse(clientSpan, status, rawTiming);
    recordResponseStatus(serverSpan, status);
    const now = nowMs();
    const timing = formatServerTiming([
      ...parseServerTiming(rawTiming),
      { name: 'proxy', duration: now - startedAt },
      { name: 'server', duration: now - clientSpan.startMs },
    ]);
    res.writeHead(status, upstreamRes.statusMessage, clientResponseHeaders(upstreamRes.headers, timing));
    upstreamRes.pipe(res);
    upstreamRes.on('end', () => {
      if (finished) return;
      finished = true;
      endSpan(config.sink, clientSpan);
    });
    // 'aborted'/'error' before 'end': the upstream died mid-body.
    upstreamRes.on('error', () => fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START')));
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START'));
    });
  });

  res.on('finish', () => {
    if (finished) endSpan(config.sink, serverSpan);
  });
  // R14: a client that goes away aborts the upstream request.
  res.on('close', () => {
    if (finished) return endSpan(config.sink, serverSpan);
    if (res.writableFinished) return;
    finished = true;
    clearTimeout(headerTimer);
    const failure = proxyFailure('HOPSCOPE_PROXY_CLIENT_DISCONNECTED');
    recordErrorInSpan(clientSpan, failure.errorType, failure.message);
    recordErrorInSpan(serverSpan, failure.errorType, failure.message);
    upstreamReq.destroy();
    endSpan(config.sink, clientSpan);
    endSpan(config.sink, serverSpan);
  });

  req.pipe(upstreamReq);
}
