import type { IncomingHttpHeaders } from 'node:http';
import { SECRET_HEADERS } from '@hopscope/shared';
import type { ProxySpan } from './spans';

/*
 * OpenTelemetry HTTP semantic conventions: `http.request.header.<key>` and
 * `http.response.header.<key>`, lower-case key, value an array of strings (one
 * per field line). The name is built per header, so the prefixes live here
 * rather than as fixed keys in shared/src/semconv.ts.
 */
const REQUEST_HEADER_PREFIX = 'http.request.header.';
const RESPONSE_HEADER_PREFIX = 'http.response.header.';

/**
 * Header capture is an explicit allow-list: nothing is recorded
 * unless named, and credentials (Authorization, Cookie, Set-Cookie,
 * Proxy-Authorization) are never recorded even when named.
 */
export function captureList(names: readonly string[] = []): readonly string[] {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()).filter(Boolean));
  for (const secret of SECRET_HEADERS) wanted.delete(secret);
  return [...wanted];
}

export function captureRequestHeaders(span: ProxySpan, headers: IncomingHttpHeaders, names: readonly string[]): void {
  capture(span, REQUEST_HEADER_PREFIX, headers, names);
}

export function captureResponseHeaders(span: ProxySpan, headers: IncomingHttpHeaders, names: readonly string[]): void {
  capture(span, RESPONSE_HEADER_PREFIX, headers, names);
}

function capture(span: ProxySpan, prefix: string, headers: IncomingHttpHeaders, names: readonly string[]): void {
  for (const name of names) {
    const value = headers[name];
    if (value === undefined) continue;
    span.set(prefix + name, Array.isArray(value) ? [...value] : [value]);
  }
}
