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
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // One malformed escape must not hide the others ("pass%77ord%E0"): decode the ASCII ones alone, as lenient servers do.
    return spaced.replace(/%([0-7][0-9a-fA-F])/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
  }
}
