import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { ATTR_HTTP_REQUEST_RESEND_COUNT } from '@hopscope/shared';
import { watchRequestBody } from './body-timeout';
import { captureResponseHeaders } from './capture-headers';
import { failureBody, failureFromUpstreamError, proxyFailure, type ProxyFailure } from './errors';
import { stampAttempt, startExchange } from './exchange-start';
import { dispatchExpectingContinue, expectsContinue } from './expect-continue';
import type { ForwardConfig } from './forward-config';
import { askedForUpgrade } from './incoming';
import { relayInterim } from './interim';
import { countForwardedBytes } from './reclaim';
import { mayResend } from './resend';
import { finalHeadForClient, invalidFinalHead, serverTimingOf } from './response-head';
import { endSpan, recordErrorInSpan, recordResponseStatus, recordUpstreamResponse, startUpstreamSpan, type ProxySpan } from './spans';
import { announceWrite, UpstreamAttempt } from './upstream-connections';

/**
 * Forwards one request to the upstream, bodies streamed both ways with
 * backpressure, every outcome ending the spans. One attempt, except the one
 * resend R10 allows (resend.ts), which is its own CLIENT span. The one
 * primitive the routing layer (create-proxy.ts) calls; an undici dispatch
 * handler, so no intermediate streams are made.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, config: ForwardConfig): void {
  new Exchange(req, res, config).start();
}

class Exchange implements Dispatcher.DispatchHandler {
  private readonly serverSpan: ProxySpan;
  private clientSpan: ProxySpan;
  private resent = false;
  private readonly headers: OutgoingHttpHeaders;
  private readonly withBody: boolean;
  private controller: Dispatcher.DispatchController | undefined;
  private attempt = this.newAttempt();
  private finished = false;
  private bodyStarted = false;
  private stopBodyWatch: (() => void) | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly config: ForwardConfig,
  ) {
    ({ serverSpan: this.serverSpan, clientSpan: this.clientSpan, headers: this.headers } = startExchange(req, config));
    this.withBody = hasBody(req);
  }

  start(): void {
    const { req, res, config } = this;
    res.on('finish', () => {
      if (this.finished) endSpan(this.serverSpan);
    });
    res.on('close', () => this.onClientClose());
    // Node's parser is left in upgrade mode after a request that asked to switch protocols: answer it, then close.
    if (askedForUpgrade(req)) res.shouldKeepAlive = false;
    // prependListener, not on(): it watches the chunks whoever reads the body sees, without starting the flow itself.
    if (this.withBody) req.prependListener('data', countChunk);
    if (expectsContinue(req) && this.withBody) {
      const request = { upstream: config.upstream, path: this.path(), method: req.method ?? 'POST', headers: this.headers };
      const onBodySent = () => this.watchBody();
      return dispatchExpectingContinue(req, res, { ...request, headerTimeoutMs: config.upstreamHeaderTimeoutMs, onBodySent }, this);
    }
    // undici refuses `expect`; what is left here is an HTTP/1.0 client's, which a server must ignore (RFC 9110 §10.1.1).
    delete this.headers.expect;
    if (this.withBody) this.watchBody();
    config.pool.dispatch(this.dispatchOptions(), this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.finished) return controller.abort(new Error('client went away'));
    announceWrite(this.attempt);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, statusText?: string): void {
    if (this.finished) return controller.abort(new Error('client went away'));
    // RFC 9110 §15.2: 1xx go on to the client; the final response follows.
    if (status >= 100 && status < 200 && status !== 101) return relayInterim(this.req, this.res, status, statusText, headers);
    const invalid = invalidFinalHead(status, headers);
    if (invalid !== undefined) return this.fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_INVALID'));
    recordUpstreamResponse(this.clientSpan, status, serverTimingOf(headers));
    recordResponseStatus(this.serverSpan, status);
    captureResponseHeaders(this.serverSpan, headers, this.config.captureHeaders);
    this.res.writeHead(status, finalHeadForClient(headers, this.serverSpan, this.clientSpan));
    // Node holds a head until the first body write; an event stream or a long poll may not write for minutes.
    setImmediate(() => {
      if (!this.bodyStarted && !this.finished && !this.res.destroyed) this.res.flushHeaders();
    });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.finished) return;
    this.bodyStarted = true;
    countChunk(chunk);
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopBodyWatch?.();
    endSpan(this.clientSpan);
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: NodeJS.ErrnoException): void {
    if (this.finished) return;
    // After the status line went out, any failure truncates the response (R11).
    if (this.res.headersSent) return this.fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START'));
    if (!this.resent && mayResend(this.req, this.attempt, error, this.withBody)) return this.resend(failureFromUpstreamError(error));
    this.fail(failureFromUpstreamError(error));
  }

  /** The first attempt ends as the failure it was; the resend is a new CLIENT span on a fresh connection. */
  private resend(firstFailure: ProxyFailure): void {
    const { config } = this;
    recordErrorInSpan(this.clientSpan, firstFailure.errorType, firstFailure.message);
    endSpan(this.clientSpan);
    this.resent = true;
    this.clientSpan = startUpstreamSpan(config, this.serverSpan, this.req.method ?? 'GET', config.upstream, config.basePath);
    this.clientSpan.set(ATTR_HTTP_REQUEST_RESEND_COUNT, 1);
    stampAttempt(this.headers, this.clientSpan);
    this.attempt = this.newAttempt();
    this.controller = undefined;
    config.dispatchFresh(this.dispatchOptions(), this);
  }

  private fail(failure: ProxyFailure): void {
    const { res, config } = this;
    this.finished = true;
    this.stopBodyWatch?.();
    recordErrorInSpan(this.clientSpan, failure.errorType, failure.message);
    endSpan(this.clientSpan);
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
    endSpan(this.serverSpan);
    const controller = this.controller;
    if (!controller || controller.aborted) return;
    // Aborting destroys an unfinished request body and, with it, the client's socket: then only once the answer above is out.
    if (this.withBody && !this.req.complete) setImmediate(() => controller.abort(new Error(failure.code)));
    else controller.abort(new Error(failure.code));
  }

  /** R14: a client that goes away aborts the upstream request. */
  private onClientClose(): void {
    const { res, config } = this;
    this.stopBodyWatch?.();
    if (this.finished) return endSpan(this.serverSpan);
    if (res.writableFinished) return;
    this.finished = true;
    const failure = proxyFailure('HOPSCOPE_PROXY_CLIENT_DISCONNECTED');
    recordErrorInSpan(this.clientSpan, failure.errorType, failure.message);
    recordErrorInSpan(this.serverSpan, failure.errorType, failure.message);
    this.controller?.abort(new Error('client went away'));
    endSpan(this.clientSpan);
    endSpan(this.serverSpan);
  }

  private watchBody(): void {
    this.stopBodyWatch = watchRequestBody(this.req, this.config.bodyTimeouts, () => {
      if (!this.finished) this.fail(proxyFailure('HOPSCOPE_PROXY_REQUEST_BODY_TIMEOUT'));
    });
  }

  private newAttempt(): UpstreamAttempt {
    return new UpstreamAttempt(() => relayInterim(this.req, this.res, 100, 'Continue', {}));
  }

  private path(): string {
    return this.config.basePath + (this.req.url ?? '/');
  }

  private dispatchOptions(): Dispatcher.DispatchOptions {
    return {
      origin: this.config.upstream.origin,
      path: this.path(),
      method: (this.req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: this.headers as Record<string, string | string[]>,
      body: this.withBody ? this.req : null,
    };
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
