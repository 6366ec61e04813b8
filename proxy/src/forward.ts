import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { formatServerTiming, parseServerTiming, type SpanRecord } from '@hopscope/shared';
import { nowMs } from './clock';
import { failureBody, failureFromUpstreamError, proxyFailure, type ProxyFailure } from './errors';
import { startExchange } from './exchange-start';
import type { ForwardConfig } from './forward-config';
import { captureResponseHeaders } from './capture-headers';
import { dispatchExpectingContinue, expectsContinue } from './expect-continue';
import { clientResponseHeaders } from './headers';
import { countForwardedBytes } from './reclaim';
import { endSpan, recordErrorInSpan, recordResponseStatus, recordUpstreamResponse, safely } from './spans';

/**
 * Forwards one request to the upstream: exactly one attempt (undici's Pool
 * does not retry), bodies streamed both ways with backpressure, every outcome
 * ending both spans. The one primitive the routing layer (create-proxy.ts)
 * calls; an undici dispatch handler, so no intermediate streams are made.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, config: ForwardConfig): void {
  new Exchange(req, res, config).start();
}

class Exchange implements Dispatcher.DispatchHandler {
  private readonly serverSpan: SpanRecord;
  private readonly clientSpan: SpanRecord;
  private readonly headers: OutgoingHttpHeaders;
  private controller: Dispatcher.DispatchController | undefined;
  private finished = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly config: ForwardConfig,
  ) {
    ({ serverSpan: this.serverSpan, clientSpan: this.clientSpan, headers: this.headers } = startExchange(req, config));
  }

  start(): void {
    const { req, res, config } = this;
    res.on('finish', () => {
      if (this.finished) endSpan(config.sink, this.serverSpan);
    });
    res.on('close', () => this.onClientClose());
    safely(config.sink, 'spanStarted', this.clientSpan);
    const path = config.basePath + (req.url ?? '/');
    const method = req.method ?? 'GET';
    // prependListener, not on(): it watches the chunks whoever reads the body sees, without starting the flow itself.
    if (hasBody(req)) req.prependListener('data', countChunk);
    if (expectsContinue(req) && hasBody(req)) {
      const request = { upstream: config.upstream, path, method, headers: this.headers, headerTimeoutMs: config.upstreamHeaderTimeoutMs };
      return dispatchExpectingContinue(req, res, request, this);
    }
    // undici refuses `expect`; what is left here is an HTTP/1.0 client's, which a server must ignore (RFC 9110 §10.1.1).
    delete this.headers.expect;
    config.pool.dispatch(
      {
        origin: config.upstream.origin,
        path,
        method: method as Dispatcher.HttpMethod,
        headers: this.headers as Record<string, string | string[]>,
        body: hasBody(req) ? req : null,
      },
      this,
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.finished) controller.abort(new Error('client went away'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (this.finished) return controller.abort(new Error('client went away'));
    // RFC 9112 §6.3: both framings in one response is a smuggling vector; discard it, never forward it.
    if (headers['transfer-encoding'] !== undefined && headers['content-length'] !== undefined) {
      controller.abort(new Error('conflicting framing'));
      return this.fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_INVALID'));
    }
    const upstreamTiming = headers['server-timing'];
    const rawTiming = Array.isArray(upstreamTiming) ? upstreamTiming.join(', ') : upstreamTiming;
    recordUpstreamResponse(this.clientSpan, status, rawTiming);
    recordResponseStatus(this.serverSpan, status);
    captureResponseHeaders(this.serverSpan, headers, this.config.captureHeaders);
    const now = nowMs();
    const timing = formatServerTiming([
      ...parseServerTiming(rawTiming),
      { name: 'proxy', duration: now - this.serverSpan.startMs },
      { name: 'server', duration: now - this.clientSpan.startMs },
    ]);
    this.res.writeHead(status, clientResponseHeaders(headers, timing));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    countChunk(chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.finished) return;
    this.finished = true;
    endSpan(this.config.sink, this.clientSpan);
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: NodeJS.ErrnoException): void {
    if (this.finished) return;
    // After the status line went out, any failure truncates the response (R11).
    this.fail(this.res.headersSent ? proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START') : failureFromUpstreamError(error));
  }

  private fail(failure: ProxyFailure): void {
    const { res, config } = this;
    this.finished = true;
    recordErrorInSpan(this.clientSpan, failure.errorType, failure.message);
    endSpan(config.sink, this.clientSpan);
    recordErrorInSpan(this.serverSpan, failure.errorType, failure.message);
    if (res.headersSent) {
      res.destroy();
    } else {
      recordResponseStatus(this.serverSpan, failure.status);
      const body = failureBody(failure);
      // R13: the request body may be unread; close the connection so leftover bytes are not parsed as a request.
      res.writeHead(failure.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
    }
    endSpan(config.sink, this.serverSpan);
  }

  /** R14: a client that goes away aborts the upstream request. */
  private onClientClose(): void {
    const { res, config } = this;
    if (this.finished) return endSpan(config.sink, this.serverSpan);
    if (res.writableFinished) return;
    this.finished = true;
    const failure = proxyFailure('HOPSCOPE_PROXY_CLIENT_DISCONNECTED');
    recordErrorInSpan(this.clientSpan, failure.errorType, failure.message);
    recordErrorInSpan(this.serverSpan, failure.errorType, failure.message);
    this.controller?.abort(new Error('client went away'));
    endSpan(config.sink, this.clientSpan);
    endSpan(config.sink, this.serverSpan);
  }
}

/** Forwarded body bytes, both directions, for reclaim.ts. */
function countChunk(chunk: Buffer): void {
  countForwardedBytes(chunk.length);
}

/** RFC 9112 §6.3: a request has a body only when it says so with Content-Length or Transfer-Encoding. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
