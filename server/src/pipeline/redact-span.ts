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

// Read once: this runs for every span event (the proxy's four per request), and
// the keys of the shared package's exports are getters under some loaders.
const STATEMENT_KEYS = [ATTR_DB_QUERY_TEXT, ATTR_DB_STATEMENT] as const;
const URL_KEYS = [ATTR_URL_FULL, ATTR_URL_PATH, ATTR_HTTP_URL] as const;
const QUERY_KEY = ATTR_URL_QUERY;
const DB_SYSTEM_KEYS = [ATTR_DB_SYSTEM_NAME, ATTR_DB_SYSTEM] as const;

/** Redacts in place (spans arrive freshly decoded, owned by the hub) and returns the same span. */
export function redactSpan(span: SpanRecord): SpanRecord {
  const attributes = span.attributes;
  redactAttributes(attributes);
  // Span names like "GET /login?password=…" are shown and recorded too.
  span.name = redactUrlQuery(span.name);
  const db = databaseOf(attributes);
  // Query literals are data (emails, tokens): never stored, only the statement with `?` (calls.ts).
  for (const key of STATEMENT_KEYS) {
    const statement = attributes[key];
    if (typeof statement === 'string') attributes[key] = normalizeStatement(statement, db);
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
  for (const key in attributes) {
    if (isSecretKey(key)) delete attributes[key];
  }
  const query = attributes[QUERY_KEY];
  if (typeof query === 'string') attributes[QUERY_KEY] = redactQuery(query);
  // url.path should carry no query (semconv), but some instrumentations put one there.
  for (const key of URL_KEYS) {
    const url = attributes[key];
    if (typeof url === 'string') attributes[key] = redactUrlQuery(redactUserinfo(url));
  }
}

/** `https://user:pass@host/` → `https://REDACTED:REDACTED@host/`, as the HTTP semantic conventions ask of `url.full`. */
export function redactUserinfo(url: string): string {
  // No `@`, no userinfo: most URLs, and the regular expression is the dearer test.
  if (url.indexOf('@') < 0) return url;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1REDACTED:REDACTED@');
}

/**
 * Attribute keys come from a small vocabulary (property keys are interned
 * strings, so a Map finds them cheaply): the answer is remembered, up to a
 * bound, instead of running the regular expression on every key of every span.
 */
const secretKeys = new Map<string, boolean>();
const MAX_REMEMBERED_KEYS = 4096;

function isSecretKey(key: string): boolean {
  const known = secretKeys.get(key);
  if (known !== undefined) return known;
  const secret = SECRET_KEY.test(key);
  if (secretKeys.size < MAX_REMEMBERED_KEYS) secretKeys.set(key, secret);
  return secret;
}

function databaseOf(attributes: Attributes): string | undefined {
  const system = attributes[DB_SYSTEM_KEYS[0]] ?? attributes[DB_SYSTEM_KEYS[1]];
  return typeof system === 'string' ? system : undefined;
}
