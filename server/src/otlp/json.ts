import { z } from 'zod';
import type { Attributes, AttrValue, SpanRecord } from '@hopscope/shared';
import { checkedBy, parseJsonBody, refuseDeepNesting } from './json-body';
import { isExportRequestJson } from './json-check';
import { KIND_BY_NAME, KIND_BY_NUMBER, STATUS_BY_NAME, STATUS_BY_NUMBER } from './enums';

/**
 * OTLP/HTTP JSON (opentelemetry-proto's JSON mapping): lowerCamelCase fields,
 * hex ids (any case), 64-bit nanosecond times as strings or numbers, enums as
 * numbers or names. Unknown fields are ignored; the shape is checked with zod
 * where it enters.
 */
const nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative()]);
const hexId = z.string().regex(/^[0-9a-fA-F]*$/);

export type AnyValueJson = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: AnyValueJson[] };
};
export const anyValue: z.ZodType<AnyValueJson> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: z.union([z.string(), z.number()]).optional(),
    doubleValue: z.union([z.number(), z.string()]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
  }),
);
export const keyValues = z.array(z.object({ key: z.string(), value: anyValue.optional() })).optional();

const spanJson = z.object({
  traceId: hexId,
  spanId: hexId,
  parentSpanId: hexId.optional(),
  name: z.string().optional(),
  kind: z.union([z.number(), z.string()]).optional(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos.optional(),
  attributes: keyValues,
  events: z.array(z.object({ timeUnixNano: nanos.optional(), name: z.string().optional(), attributes: keyValues })).optional(),
  status: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
});

export const exportRequestJson = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
              spans: z.array(spanJson).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export function decodeExportRequestJson(text: string): SpanRecord[] {
  return decodeParsed(parseJsonBody(text));
}

/** An ExportTraceServiceRequest already parsed from JSON (an import's array elements, a file's document). */
export function decodeExportRequestValue(raw: unknown): SpanRecord[] {
  refuseDeepNesting(raw);
  return decodeParsed(raw);
}

/** A parsed request whose nesting was bounded. */
function decodeParsed(raw: unknown): SpanRecord[] {
  const request = isExportRequestJson(raw) ? (raw as ExportRequestJson) : checkedByZod(raw);
  const spans: SpanRecord[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = toAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      // One object per scope, shared by its spans: the hop mapping reads it (server/src/pipeline/semconv-hops.ts).
      const scope = scopeOf(scopeSpans.scope);
      for (const span of scopeSpans.spans ?? []) spans.push(toSpanRecord(span, resource, scope));
    }
  }
  return spans;
}

type ExportRequestJson = z.infer<typeof exportRequestJson>;

/**
 * The slow path, for what json-check.ts did not accept: zod words the error
 * users see (or, should it accept what the quick check did not, decodes it).
 * Unknown fields are read from the raw value on the quick path: the decoder
 * below reads only the schema's fields, so that is the same as zod's strip.
 */
function checkedByZod(raw: unknown): ExportRequestJson {
  return checkedBy(exportRequestJson, raw, 'JSON');
}

function scopeOf(scope: { name?: string | undefined; version?: string | undefined } | undefined): SpanRecord['scope'] {
  if (!scope?.name) return undefined;
  return scope.version ? { name: scope.name, version: scope.version } : { name: scope.name };
}

function toSpanRecord(span: z.infer<typeof spanJson>, resource: Attributes, scope: SpanRecord['scope']): SpanRecord {
  const record: SpanRecord = {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    name: span.name ?? '',
    kind: typeof span.kind === 'number' ? (KIND_BY_NUMBER[span.kind] ?? 'internal') : (KIND_BY_NAME[span.kind ?? ''] ?? 'internal'),
    startMs: nanosToMs(span.startTimeUnixNano),
    attributes: toAttributes(span.attributes),
    resource,
    status: {
      code:
        typeof span.status?.code === 'number'
          ? (STATUS_BY_NUMBER[span.status.code] ?? 'unset')
          : (STATUS_BY_NAME[span.status?.code ?? ''] ?? 'unset'),
    },
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      timeMs: event.timeUnixNano === undefined ? 0 : nanosToMs(event.timeUnixNano),
      attributes: toAttributes(event.attributes),
    })),
  };
  if (span.parentSpanId) record.parentSpanId = span.parentSpanId.toLowerCase();
  if (scope) record.scope = scope;
  if (span.status?.message) record.status.message = span.status.message;
  const end = span.endTimeUnixNano === undefined ? 0 : nanosToMs(span.endTimeUnixNano);
  if (end > 0) record.endMs = end;
  return record;
}

/** Nanoseconds (a 64-bit integer, as a string or number) to epoch ms, keeping microseconds. */
export function nanosToMs(value: string | number): number {
  if (typeof value === 'number') return value / 1e6;
  // Whole microseconds are the digits but the last three, exact in a double below 2⁵³ (16 digits today, BigInt past 2255).
  const micros = value.length > 3 ? Number(value.slice(0, -3)) : 0;
  if (micros <= Number.MAX_SAFE_INTEGER) return micros / 1000;
  return Number(BigInt(value) / 1000n) / 1000;
}

export function toAttributes(list: Array<{ key: string; value?: AnyValueJson | undefined }> | undefined): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of list ?? []) {
    const converted = value === undefined ? undefined : toValue(value);
    // Assigning "__proto__" would swap the object's prototype, not add an attribute.
    if (converted !== undefined && key !== '__proto__') attributes[key] = converted;
  }
  return attributes;
}

function toValue(value: AnyValueJson): AttrValue | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) {
    return (value.arrayValue.values ?? []).map(toValue).filter((v): v is string | number | boolean => v !== undefined && !Array.isArray(v));
  }
  return undefined;
}
