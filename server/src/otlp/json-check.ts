/**
 * A hand-written check of an OTLP/HTTP JSON ExportTraceServiceRequest with
 * exactly the shape json.ts's zod schema accepts, for the hot path: zod
 * builds a stripped copy of every object it checks, which made JSON ingest
 * half as fast as protobuf. It only answers yes or no; on "no" the caller
 * asks zod, which finds the same problem and words the error users see, so
 * the two can only differ in speed. Being stricter than zod is safe (zod then
 * decides); accepting what zod refuses is not, so each rule below follows
 * one of the schema's.
 */
const HEX = /^[0-9a-fA-F]*$/;
const NANOS = /^\d{1,20}$/;

type Json = Record<string, unknown>;

/** z.object(): an object that is not an array (null is not one). */
function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';
/** z.number() refuses NaN and the infinities (JSON.parse makes neither, but an import's values are checked the same way). */
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const isNumberOrString = (value: unknown) => isNumber(value) || typeof value === 'string';
const isOptionalNumberOrString = (value: unknown) => value === undefined || isNumberOrString(value);
const isHexId = (value: unknown) => typeof value === 'string' && HEX.test(value);
const isNanos = (value: unknown) => (typeof value === 'string' ? NANOS.test(value) : isNumber(value) && (value as number) >= 0);

/** z.array(item): every index, holes included (Array.prototype.every would skip them). */
function isArrayOf(value: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!check(value[i])) return false;
  return true;
}

function isAnyValue(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (!isOptionalString(value.stringValue) || !isOptionalString(value.bytesValue)) return false;
  if (value.boolValue !== undefined && typeof value.boolValue !== 'boolean') return false;
  if (!isOptionalNumberOrString(value.intValue) || !isOptionalNumberOrString(value.doubleValue)) return false;
  const array = value.arrayValue;
  if (array === undefined) return true;
  if (!isObject(array)) return false;
  return array.values === undefined || isArrayOf(array.values, isAnyValue);
}

function isKeyValues(value: unknown): boolean {
  return value === undefined || isArrayOf(value, isKeyValue);
}

function isKeyValue(item: unknown): boolean {
  return isObject(item) && typeof item.key === 'string' && (item.value === undefined || isAnyValue(item.value));
}

function isEvent(value: unknown): boolean {
  return (
    isObject(value) &&
    (value.timeUnixNano === undefined || isNanos(value.timeUnixNano)) &&
    isOptionalString(value.name) &&
    isKeyValues(value.attributes)
  );
}

function isSpan(span: unknown): boolean {
  if (!isObject(span)) return false;
  if (!isHexId(span.traceId) || !isHexId(span.spanId)) return false;
  if (span.parentSpanId !== undefined && !isHexId(span.parentSpanId)) return false;
  if (!isOptionalString(span.name) || !isOptionalNumberOrString(span.kind)) return false;
  if (!isNanos(span.startTimeUnixNano)) return false;
  if (span.endTimeUnixNano !== undefined && !isNanos(span.endTimeUnixNano)) return false;
  if (!isKeyValues(span.attributes)) return false;
  if (span.events !== undefined && !isArrayOf(span.events, isEvent)) return false;
  const status = span.status;
  if (status === undefined) return true;
  return isObject(status) && isOptionalNumberOrString(status.code) && isOptionalString(status.message);
}

function isScopeSpans(value: unknown): boolean {
  if (!isObject(value)) return false;
  const scope = value.scope;
  if (scope !== undefined && !(isObject(scope) && isOptionalString(scope.name) && isOptionalString(scope.version))) return false;
  return value.spans === undefined || isArrayOf(value.spans, isSpan);
}

function isResourceSpans(value: unknown): boolean {
  if (!isObject(value)) return false;
  const resource = value.resource;
  if (resource !== undefined && !(isObject(resource) && isKeyValues(resource.attributes))) return false;
  return value.scopeSpans === undefined || isArrayOf(value.scopeSpans, isScopeSpans);
}

/** True when json.ts's zod schema would accept `raw` (false may also mean "ask zod"). */
export function isExportRequestJson(raw: unknown): boolean {
  if (!isObject(raw)) return false;
  const list = raw.resourceSpans;
  return list === undefined || isArrayOf(list, isResourceSpans);
}
