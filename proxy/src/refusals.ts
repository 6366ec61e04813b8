import type http from 'node:http';
import { failureBody, proxyFailure, type ProxyFailureCode } from './errors';
import { isLoop } from './headers';
import { hostAllowed, type HostPolicy } from './host-check';

/** Why a request is answered by the proxy itself and never forwarded, or undefined to forward it. */
export function refusalFor(req: http.IncomingMessage, via: string, hosts: HostPolicy): ProxyFailureCode | undefined {
  // Only origin-form (and `*` for OPTIONS) is accepted: an absolute-form URL is an open-proxy request.
  const url = req.url ?? '';
  if (!url.startsWith('/') && !(req.method === 'OPTIONS' && url === '*')) return 'HOPSCOPE_PROXY_BAD_REQUEST_TARGET';
  if (escapesBasePath(url)) return 'HOPSCOPE_PROXY_BAD_PATH';
  if (isLoop(req.headers, via)) return 'HOPSCOPE_PROXY_LOOP';
  if (!hostAllowed(req.headers.host, hosts)) return 'HOPSCOPE_PROXY_FORBIDDEN_HOST';
  return undefined;
}

/**
 * Dot segments, raw or percent-encoded (`..`, `%2e%2e`, `..%2f`), are refused
 * rather than forwarded: the proxy appends the path to the target's base path,
 * and an upstream that normalises it could be walked out of that base.
 */
function escapesBasePath(url: string): boolean {
  const path = url
    .split('?')[0]!
    .replace(/%2e/gi, '.')
    .replace(/%2f|%5c/gi, '/')
    .replace(/\\/g, '/');
  return path.split('/').some((segment) => segment === '..' || segment === '.');
}

/** A refusal as raw bytes, for sockets that have no ServerResponse (upgrades). */
export function refusalText(code: ProxyFailureCode): string {
  const failure = proxyFailure(code);
  const body = failureBody(failure);
  return `HTTP/1.1 ${failure.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** R13: the request body is unread, so the connection is closed after the answer. */
export function sendRefusal(res: http.ServerResponse, code: ProxyFailureCode): void {
  const failure = proxyFailure(code);
  const body = failureBody(failure);
  const retry = code === 'HOPSCOPE_PROXY_OVERLOADED' ? { 'retry-after': '1' } : {};
  res.writeHead(failure.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    ...retry,
  });
  res.end(body);
}
