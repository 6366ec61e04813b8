import { ATTR_URL_FULL, ATTR_URL_QUERY, redactQuery, SECRET_HEADERS, type Attributes, type SpanRecord } from '@hopscope/shared';

/**
 * Secrets are never stored (DESIGN.md security defaults): captured credential
 * headers (`http.request.header.authorization`, `…cookie`, `…set-cookie`) are
 * dropped and credential-like query values redacted, whatever sent the span.
 */
const SECRET_KEY = new RegExp(`(^|\\.)(${SECRET_HEADERS.join('|')})$`, 'i');

export function redactSpan(span: SpanRecord): SpanRecord {
  redactAttributes(span.attributes);
  return span;
}

function redactAttributes(attributes: Attributes): void {
  for (const key of Object.keys(attributes)) {
    if (SECRET_KEY.test(key)) delete attributes[key];
  }
  const query = attributes[ATTR_URL_QUERY];
  if (typeof query === 'string') attributes[ATTR_URL_QUERY] = redactQuery(query);
  const full = attributes[ATTR_URL_FULL];
  if (typeof full === 'string') {
    const q = full.indexOf('?');
    if (q >= 0) attributes[ATTR_URL_FULL] = full.slice(0, q + 1) + redactQuery(full.slice(q + 1));
  }
}
