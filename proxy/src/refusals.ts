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
  const query = url.indexOf('?');
  const raw = query < 0 ? url : url.slice(0, query);
  // Without a dot there is no dot segment, raw or encoded (`%2e` has none, but needs the normalising below).
  if (!raw.includes('.') && !raw.includes('%')) return false;
  const path = raw
    .replace(/%2e/gi, '.')
    .replace(/%2f|%5c/gi, '/')
    .replace(/\\/g, '/');
  return path.split('/').some((segment) => segment === '..' || segment === '.');
}

/**
 * The methods Fastify's catch-all route served when it routed the proxy's
 * requests (Node's parser knows more: WebDAV's PROPFIND, LOCK, …); the others
 * are refused as they were then, with 400 HOPSCOPE_PROXY_BAD_REQUEST_TARGET.
 */
const ROUTED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY']);

/**
 * What Fastify's router refused before a request reached the proxy, which it
 * still refuses the same way now that requests skip the router: a method it
 * did not route, or a path (before `?` or `#`) whose percent-encoding does
 * not decode (`/%zz`, `/%ff`: find-my-way's FST_ERR_BAD_URL).
 */
export function sendIfUnroutable(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (!ROUTED_METHODS.has(req.method ?? '')) {
    sendRefusal(res, 'HOPSCOPE_PROXY_BAD_REQUEST_TARGET');
    return true;
  }
  const url = req.url ?? '';
  const percent = url.indexOf('%');
  if (percent < 0 || !url.startsWith('/')) return false;
  const end = pathEnd(url);
  if (percent > end || decodes(url.slice(0, end))) return false;
  const body = JSON.stringify({
    error: 'Bad Request',
    code: 'FST_ERR_BAD_URL',
    message: `'${url}' is not a valid url component`,
    statusCode: 400,
  });
  res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
  return true;
}

/** Where the path ends: at the first `?` or `#` after the leading `/`. */
function pathEnd(url: string): number {
  const query = url.indexOf('?', 1);
  const hash = url.indexOf('#', 1);
  if (query < 0) return hash < 0 ? url.length : hash;
  return hash < 0 || query < hash ? query : hash;
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
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
