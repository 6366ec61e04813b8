import type { SpanKindName, SpanStatusCode } from '@hopscope/shared';

/** Lookup tables without a prototype: a span whose kind is "constructor" or "__proto__" must read as unknown, not as Object's. */
const table = <T>(entries: Record<string | number, T>): Record<string | number, T> =>
  Object.assign(Object.create(null) as Record<string | number, T>, entries);

/** OTLP SpanKind numbers (0 = unspecified is read as internal). */
export const KIND_BY_NUMBER = table<SpanKindName>({ 0: 'internal', 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' });

/** OTLP StatusCode numbers. */
export const STATUS_BY_NUMBER = table<SpanStatusCode>({ 0: 'unset', 1: 'ok', 2: 'error' });

export const KIND_BY_NAME = table<SpanKindName>({
  SPAN_KIND_UNSPECIFIED: 'internal',
  SPAN_KIND_INTERNAL: 'internal',
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
});

export const STATUS_BY_NAME = table<SpanStatusCode>({ STATUS_CODE_UNSET: 'unset', STATUS_CODE_OK: 'ok', STATUS_CODE_ERROR: 'error' });
