/**
 * Secrets never stored (DESIGN.md security defaults): credential-like query
 * values are replaced before a URL reaches a span, and credential headers are
 * never captured.
 */
export const REDACTED = '[redacted]';

const SECRET_QUERY_NAME = /token|key|password|passwd|secret|sig|auth|session|credential/i;

export const SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** Redacts credential-like values in a query string (without the leading `?`). */
export function redactQuery(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0 || !SECRET_QUERY_NAME.test(safeDecode(name))) return pair;
      return `${name}=${REDACTED}`;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
