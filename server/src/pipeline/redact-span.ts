import {
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_STATEMENT,
  ATTR_DB_SYSTEM,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_URL,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  redactQuery,
  SECRET_HEADERS,
  type Attributes,
  type SpanRecord,
} from '@hopscope/shared';
import { normalizeStatement } from './normalize-statement';

/**
 * Secrets are never stored (DESIGN.md security defaults): captured credential
 * headers (`http.request.header.authorization`, `…cookie`, `…set-cookie`) are
 * dropped and credential-like query values redacted, whatever sent the span.
 */
const SECRET_KEY = new RegExp(`(^|\\.)(${SECRET_HEADERS.join('|')})$`, 'i');

/** Redacts in place (spans arrive freshly decoded, owned by the hub) and returns the same span. */
export function redactSpan(span: SpanRecord): SpanRecord {
  redactAttributes(span.attributes);
  // Span names like "GET /login?password=…" are shown and recorded too.
  span.name = redactUrlQuery(span.name);
  const db = databaseOf(span.attributes);
  // Query literals are data (emails, tokens): never stored, only the statement with `?` (calls.ts).
  for (const key of [ATTR_DB_QUERY_TEXT, ATTR_DB_STATEMENT]) {
    const statement = span.attributes[key];
    if (typeof statement === 'string') span.attributes[key] = normalizeStatement(statement, db);
  }
  // Some instrumentations name the span by its whole statement.
  if (db !== undefined) span.name = normalizeStatement(span.name, db);
  return span;
}

/** `…?a=1&token=x` → `…?a=1&token=[redacted]`; text without `?` unchanged. */
export function redactUrlQuery(text: string): string {
  const q = text.indexOf('?');
  return q < 0 ? text : text.slice(0, q + 1) + redactQuery(text.slice(q + 1));
}

export function redactAttributes(attributes: Attributes): void {
  for (const key of Object.keys(attributes)) {
    if (SECRET_KEY.test(key)) delete attributes[key];
  }
  const query = attributes[ATTR_URL_QUERY];
  if (typeof query === 'string') attributes[ATTR_URL_QUERY] = redactQuery(query);
  // url.path should carry no query (semconv), but some instrumentations put one there.
  for (const key of [ATTR_URL_FULL, ATTR_URL_PATH, ATTR_HTTP_URL]) {
    const url = attributes[key];
    if (typeof url === 'string') attributes[key] = redactUrlQuery(redactUserinfo(url));
  }
}

/** `https://user:pass@host/` → `https://REDACTED:REDACTED@host/`, as the HTTP semantic conventions ask of `url.full`. */
export function redactUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1REDACTED:REDACTED@');
}

function databaseOf(attributes: Attributes): string | undefined {
  const system = attributes[ATTR_DB_SYSTEM_NAME] ?? attributes[ATTR_DB_SYSTEM];
  return typeof system === 'string' ? system : undefined;
}
