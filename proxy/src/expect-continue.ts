import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { UNASKED_UPGRADE } from './errors';

/**
 * How long to wait for the upstream's 100 or final answer before sending the
 * body anyway: a client "is not required to wait for any specific length of
 * time" (RFC 9110 §10.1.1); 1 s is curl's default. An upstream that stays
 * silent that long behaves like an HTTP/1.0 next hop, for which a proxy MAY
 * answer 100 itself.
 */
export const CONTINUE_WAIT_MS = 1_000;

/** Node emits 'checkContinue' (and answers nothing itself) only for HTTP/1.1 requests with this expectation. */
export function expectsContinue(req: IncomingMessage): boolean {
  return req.httpVersion === '1.1' && String(req.headers.expect ?? '').toLowerCase() === '100-continue';
}

export interface ContinueRequest {
  upstream: URL;
  path: string;
  method: string;
  headers: OutgoingHttpHeaders;
  headerTimeoutMs: number;
  /** Called when the client's body starts to flow (after a 100, the app's or the proxy's own). */
  onBodySent(): void;
}

/**
 * `Expect: 100-continue` (R7): the client's body is held back until the
 * upstream itself says 100, and a final answer sent instead of 100 is relayed
 * as is. undici refuses an `expect` request header, so this path uses
 * node:http and drives the same DispatchHandler (forward.ts's Exchange) the
 * pool would, so spans and failures are handled in one place. One connection
 * per request (no agent): an upstream that answered without reading the body
 * leaves its connection unusable.
 */
export function dispatchExpectingContinue(
  req: IncomingMessage,
  res: ServerResponse,
  request: ContinueRequest,
  handler: Dispatcher.DispatchHandler,
): void {
  const upstreamReq = http.request({
    host: request.upstream.hostname,
    port: request.upstream.port || 80,
    method: request.method,
    path: request.path,
    headers: { ...request.headers, expect: '100-continue' },
    agent: false,
    timeout: request.headerTimeoutMs,
  });
  // Node keeps the first 1000 header lines by default and drops the rest silently; the 16 KiB size limit still bounds them.
  upstreamReq.maxHeadersCount = 0;
  let response: IncomingMessage | undefined;
  let reason: Error | null = null;
  let bodySent = false;
  const controller: Dispatcher.DispatchController = {
    get aborted() {
      return reason !== null;
    },
    get paused() {
      return response?.isPaused() ?? false;
    },
    get reason() {
      return reason;
    },
    abort(error: Error) {
      reason ??= error;
      upstreamReq.destroy();
    },
    pause: () => void response?.pause(),
    resume: () => void response?.resume(),
  };
  const sendBody = () => {
    clearTimeout(fallback);
    if (bodySent || response || reason) return;
    bodySent = true;
    res.writeContinue();
    request.onBodySent();
    req.pipe(upstreamReq);
  };
  const fallback = setTimeout(sendBody, CONTINUE_WAIT_MS);
  const fail = (error: Error) => {
    clearTimeout(fallback);
    if (reason) return;
    reason = error;
    handler.onResponseError?.(controller, error);
  };

  upstreamReq.on('continue', sendBody);
  // Other 1xx (102, 103, …) go to the handler like undici's do; the first 100 is the 'continue' above.
  upstreamReq.on('information', (info) => {
    if (info.statusCode !== 100) handler.onResponseStart?.(controller, info.statusCode, fieldsOf(info.rawHeaders), info.statusMessage);
  });
  upstreamReq.on('timeout', () => upstreamReq.destroy(Object.assign(new Error('timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' })));
  upstreamReq.on('error', fail);
  upstreamReq.on('upgrade', (_res, socket) => {
    socket.destroy();
    fail(Object.assign(new Error('101 Switching Protocols to a request that asked for no upgrade'), { code: UNASKED_UPGRADE }));
  });
  upstreamReq.on('response', (upstreamRes) => {
    clearTimeout(fallback);
    response = upstreamRes;
    // Response headers are in; a body may take as long as it takes (like the pool's bodyTimeout: 0).
    upstreamReq.setTimeout(0);
    // R13: answered before the client's body was read, so that connection cannot carry another request.
    if (!bodySent) res.shouldKeepAlive = false;
    handler.onResponseStart?.(controller, upstreamRes.statusCode ?? 0, fieldsOf(upstreamRes.rawHeaders), upstreamRes.statusMessage);
    upstreamRes.on('data', (chunk: Buffer) => handler.onResponseData?.(controller, chunk));
    upstreamRes.on('error', fail);
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) fail(Object.assign(new Error('upstream closed mid-body'), { code: 'ECONNRESET' }));
    });
    upstreamRes.on('end', () => {
      handler.onResponseEnd?.(controller, upstreamRes.trailers);
      // The body the upstream declined was never sent; this request cannot be finished, only dropped.
      if (!bodySent) upstreamReq.destroy();
    });
  });
  handler.onRequestStart?.(controller, {});
}

/**
 * Header fields as undici hands them over: lower-case names, repeated fields
 * as arrays in order (R4). node:http's `headers` would drop repeats of some
 * fields (Content-Type, Location, …) and join others.
 */
function fieldsOf(rawHeaders: string[]): IncomingHttpHeaders {
  // No prototype: a field named __proto__ is just a field.
  const fields: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const seen = fields[name];
    if (seen === undefined) fields[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else fields[name] = [seen, value];
  }
  return fields;
}
