import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { formatServerTiming, parseServerTiming } from '@hopscope/shared';
import { nowMs } from './clock';
import { clientResponseHeaders } from './headers';
import type { ProxySpan } from './spans';

/**
 * Why an upstream's final response head cannot be forwarded, or undefined.
 * RFC 9110 §15: every valid status code is within 100–599 (undici passes on
 * 000 or 099 from the status line; Node's writeHead takes up to 999). RFC
 * 9112 §6.3: both framings in one response is a smuggling vector.
 */
export function invalidFinalHead(status: number, headers: IncomingHttpHeaders): string | undefined {
  if (!Number.isInteger(status) || status < 200 || status > 599) return `status ${status} is not a final status code`;
  if (headers['transfer-encoding'] !== undefined && headers['content-length'] !== undefined)
    return 'Content-Length together with Transfer-Encoding';
  return undefined;
}

/** The head sent to the client: the upstream's fields minus hop-by-hop (R1), plus Server-Timing with the proxy's own entries. */
export function finalHeadForClient(headers: IncomingHttpHeaders, serverSpan: ProxySpan, clientSpan: ProxySpan): OutgoingHttpHeaders {
  const now = nowMs();
  const own = [
    { name: 'proxy', duration: now - serverSpan.startMs },
    { name: 'server', duration: now - clientSpan.startMs },
  ];
  // The app's entries come first; most apps send none, and then nothing is parsed.
  const upstream = serverTimingOf(headers);
  return clientResponseHeaders(headers, formatServerTiming(upstream ? [...parseServerTiming(upstream), ...own] : own));
}

/** The upstream's Server-Timing as one string, for the CLIENT span. */
export function serverTimingOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['server-timing'];
  return Array.isArray(value) ? value.join(', ') : value;
}
