import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) are meaningful for one connection only
 * and must not be forwarded, in either direction. `te` is dropped too: the
 * proxy speaks its own transfer codings to each side.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** What most clients send: parsed once, not per request. */
const COMMON_CONNECTION_VALUES = new Map<string, ReadonlySet<string>>([
  ['keep-alive', new Set(['keep-alive'])],
  ['close', new Set(['close'])],
]);
const NONE: ReadonlySet<string> = new Set();

/** Names listed in `Connection` (comma-separated, case-insensitive). */
function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (!value) return NONE;
  const common = typeof value === 'string' ? COMMON_CONNECTION_VALUES.get(value) : undefined;
  if (common) return common;
  const text = Array.isArray(value) ? value.join(',') : value;
  return new Set(
    text
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** A copy of `headers` without hop-by-hop fields and without every field named in Connection (R1). */
export function stripHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export interface ForwardingContext {
  clientAddress: string;
  /** host:port of the upstream, sent as Host so the app sees a predictable value. */
  upstreamHost: string;
  via: string;
  traceparent: string;
  /** The caller's tracestate as the propagator passes it on (W3C Trace Context §3.3), if any. */
  tracestate?: string;
  requestStartMicros: number;
}

/**
 * The headers sent upstream. Stripping happens first and our own headers are
 * added afterwards (R2), so a client's `Connection: x-forwarded-for` cannot
 * remove them. Host becomes the upstream's own host:port (documented in the
 * README) and the client's Host travels as X-Forwarded-Host.
 */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, context: ForwardingContext): OutgoingHttpHeaders {
  const headers = stripHopByHop(incoming);
  const cookie = withoutHubCookie(headers.cookie);
  if (cookie === undefined) delete headers.cookie;
  else headers.cookie = cookie;
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${context.clientAddress}` : context.clientAddress;
  headers['x-forwarded-proto'] = 'http';
  if (incoming.host) headers['x-forwarded-host'] = incoming.host;
  headers.host = context.upstreamHost;
  headers.via = incoming.via ? `${incoming.via}, ${context.via}` : context.via;
  headers.traceparent = context.traceparent;
  if (context.tracestate) headers.tracestate = context.tracestate;
  else delete headers.tracestate;
  headers['x-request-start'] = `t=${context.requestStartMicros}`;
  return headers;
}

/**
 * The hub's token cookie (server/src/http/guard.ts sets it). Cookies ignore
 * ports (RFC 6265 §8.5), so a browser sends the hub's cookie to the proxied
 * app on the same host as well; it is hopscope's credential, not the app's.
 */
export const HUB_TOKEN_COOKIE = 'hopscope_token';

/**
 * The Cookie header without the hub's token cookie, undefined when nothing
 * is left. Untouched (same bytes) when that cookie is absent (R4).
 */
export function withoutHubCookie(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join('; ') : String(value);
  if (!text.includes(HUB_TOKEN_COOKIE)) return text;
  const kept = text
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && pair.split('=')[0]!.trim() !== HUB_TOKEN_COOKIE);
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** The headers sent back to the client: the upstream's, minus hop-by-hop (R1), plus our Server-Timing. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, serverTiming: string): OutgoingHttpHeaders {
  const headers = stripHopByHop(upstream);
  headers['server-timing'] = serverTiming;
  return headers;
}

/** True when the request already passed this proxy instance (R3: refuse forwarding loops). */
export function isLoop(incoming: IncomingHttpHeaders, via: string): boolean {
  const value = incoming.via;
  return typeof value === 'string' && value.split(',').some((part) => part.trim() === via);
}
