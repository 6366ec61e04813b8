import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { failureBody, failureFromUpstreamError, proxyFailure, type ProxyFailure } from './errors';
import { startExchange } from './exchange-start';
import type { ForwardConfig } from './forward-config';
import { stripHopByHop } from './headers';
import { hasToken } from './incoming';
import { invalidFinalHead } from './response-head';
import { endSpan, recordErrorInSpan, recordResponseStatus, recordUpstreamResponse, type ProxySpan } from './spans';

/**
 * WebSocket upgrades (RFC 9110 §7.8), tunnelled only after the upstream
 * answered 101: the upstream is dialled first, so a refusal reaches the client
 * with the upstream's own status (never a 101 followed by a close). Once both
 * sides switched, bytes are relayed untouched, so frames, fragmentation,
 * ping/pong and close codes arrive as sent. Node only calls this for a GET
 * with `Upgrade: websocket` and no body (incoming.ts); any other upgrade
 * token (e.g. h2c) is served as a plain request without it (R8).
 */
export function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, config: ForwardConfig): void {
  socket.on('error', () => {});
  const { serverSpan, clientSpan, headers } = startExchange(req, config);
  // The one exception to hop-by-hop stripping (R1): an accepted WebSocket upgrade.
  headers.connection = 'upgrade';
  headers.upgrade = 'websocket';
  const upstreamReq = http.request({
    host: config.upstream.hostname,
    port: config.upstream.port || 80,
    method: 'GET',
    path: config.basePath + (req.url ?? '/'),
    headers,
    timeout: config.upstreamHeaderTimeoutMs,
  });
  // Node keeps the first 1000 header lines by default and drops the rest silently; the 16 KiB size limit still bounds them.
  upstreamReq.maxHeadersCount = 0;
  const finish = (spans: ProxySpan[]) => spans.forEach(endSpan);
  const fail = (failure: ProxyFailure) => {
    recordErrorInSpan(clientSpan, failure.errorType, failure.message);
    recordErrorInSpan(serverSpan, failure.errorType, failure.message);
    recordResponseStatus(serverSpan, failure.status);
    writeRaw(socket, failure.status, { 'content-type': 'application/json' }, failureBody(failure));
    finish([clientSpan, serverSpan]);
  };

  upstreamReq.on('timeout', () => upstreamReq.destroy(Object.assign(new Error('timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' })));
  upstreamReq.on('error', (error: NodeJS.ErrnoException) => fail(failureFromUpstreamError(error)));
  // RFC 9110 §15.2: 1xx before the 101 (or the refusal) go on to the client.
  upstreamReq.on('information', (info) =>
    socket.write(statusLine(info.statusCode, info.statusMessage) + headerLines(stripHopByHop(info.headers)) + '\r\n'),
  );
  upstreamReq.on('response', (res) => {
    const status = res.statusCode ?? 0;
    if (invalidFinalHead(status, res.headers) !== undefined) {
      upstreamReq.destroy();
      return fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_INVALID'));
    }
    // The upstream refused to switch: relay its answer, then close (the client asked for a tunnel, not keep-alive).
    recordUpstreamResponse(clientSpan, status, undefined);
    recordResponseStatus(serverSpan, status);
    const failure = proxyFailure('HOPSCOPE_PROXY_UPGRADE_REJECTED');
    recordErrorInSpan(serverSpan, failure.errorType, `the upstream answered ${status} to the upgrade`);
    socket.write(statusLine(status, res.statusMessage) + headerLines({ ...stripHopByHop(res.headers), connection: 'close' }) + '\r\n');
    res.pipe(socket);
    res.on('end', () => finish([clientSpan, serverSpan]));
  });
  upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    upstreamSocket.on('error', () => {});
    // RFC 9110 §7.8: a 101 names the protocol switched to, and it must be the one asked for.
    if (!hasToken(res.headers.upgrade, 'websocket')) {
      upstreamSocket.destroy();
      return fail(proxyFailure('HOPSCOPE_PROXY_UPSTREAM_INVALID'));
    }
    // The header timeout was for the handshake; a tunnel may stay quiet for as long as it likes.
    upstreamSocket.setTimeout(0);
    recordUpstreamResponse(clientSpan, 101, undefined);
    recordResponseStatus(serverSpan, 101);
    socket.write(statusLine(101, res.statusMessage) + headerLines(upgradeResponseHeaders(res.headers)) + '\r\n');
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
    let closed = false;
    const close = (errorType?: 'downstream_disconnect' | 'upstream_reset_after_response_started') => {
      if (closed) return;
      closed = true;
      if (errorType) {
        recordErrorInSpan(clientSpan, errorType, 'the tunnel was cut');
        recordErrorInSpan(serverSpan, errorType, 'the tunnel was cut');
      }
      socket.destroy();
      upstreamSocket.destroy();
      finish([clientSpan, serverSpan]);
    };
    upstreamSocket.on('close', (hadError) => close(hadError ? 'upstream_reset_after_response_started' : undefined));
    socket.on('close', (hadError: boolean) => close(hadError ? 'downstream_disconnect' : undefined));
  });
  upstreamReq.end();
}

/** Switching-protocol headers pass (they are the point of the 101); other hop-by-hop fields do not. */
function upgradeResponseHeaders(headers: IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return { ...stripHopByHop(headers), connection: 'Upgrade', upgrade: headers.upgrade ?? 'websocket' };
}

function writeRaw(socket: Duplex, status: number, headers: Record<string, string>, body: string): void {
  socket.end(
    statusLine(status) +
      headerLines({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }) +
      '\r\n' +
      body,
  );
}

function statusLine(status: number, message?: string): string {
  return `HTTP/1.1 ${status} ${message ?? http.STATUS_CODES[status] ?? ''}\r\n`;
}

function headerLines(headers: http.OutgoingHttpHeaders): string {
  let text = '';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) text += `${name}: ${String(one).replace(/[\r\n]/g, '')}\r\n`;
  }
  return text;
}
