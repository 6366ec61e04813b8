import {
  ATTR_HTTP_METHOD,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_STATUS_CODE,
  ATTR_HTTP_TARGET,
  ATTR_HTTP_URL,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  type SpanRecord,
} from '@hopscope/shared';

/**
 * HTTP facts of a span under the stable HTTP semantic conventions, or the
 * deprecated keys (`http.method`, `http.status_code`, `http.target`,
 * `http.url`) that the Python instrumentations still send unless
 * `OTEL_SEMCONV_STABILITY_OPT_IN=http`.
 */
export function statusCodeOf(span: SpanRecord): number | undefined {
  const value = span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] ?? span.attributes[ATTR_HTTP_STATUS_CODE];
  if (typeof value === 'number') return value;
  // Some instrumentations send it as a string.
  const parsed = typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(parsed) ? parsed : undefined;
}

export function methodOf(span: SpanRecord): string | undefined {
  const value = span.attributes[ATTR_HTTP_REQUEST_METHOD] ?? span.attributes[ATTR_HTTP_METHOD];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function routeOf(span: SpanRecord | undefined): string | undefined {
  const value = span?.attributes[ATTR_HTTP_ROUTE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The path without its query: `url.path`, else `http.target`, else the path of `url.full` / `http.url`. */
export function pathOf(span: SpanRecord): string | undefined {
  const path = span.attributes[ATTR_URL_PATH] ?? span.attributes[ATTR_HTTP_TARGET];
  if (typeof path === 'string' && path !== '') return withoutQuery(path);
  const url = span.attributes[ATTR_URL_FULL] ?? span.attributes[ATTR_HTTP_URL];
  if (typeof url !== 'string') return undefined;
  const afterScheme = url.indexOf('://');
  const slash = url.indexOf('/', afterScheme < 0 ? 0 : afterScheme + 3);
  return slash < 0 ? '/' : withoutQuery(url.slice(slash));
}

function withoutQuery(path: string): string {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}
