import { z } from 'zod';
import { keyValues, nanosToMs, toAttributes } from './json';
import { checkedBy, parseJsonBody } from './json-body';
import { bodyText, validSpanId, validTraceId, type DecodedLog } from './logs';

/**
 * OTLP/HTTP JSON logs (opentelemetry-proto's JSON mapping of
 * ExportLogsServiceRequest): lowerCamelCase fields, hex ids, nanosecond
 * times as strings or numbers, severity as a number or its enum name.
 * Unknown fields are ignored.
 */
const nanos = z.union([z.string().regex(/^\d{1,20}$/), z.number().nonnegative()]);
const hexId = z.string().regex(/^[0-9a-fA-F]*$/);

const logRecordJson = z.object({
  timeUnixNano: nanos.optional(),
  observedTimeUnixNano: nanos.optional(),
  severityNumber: z.union([z.number(), z.string()]).optional(),
  severityText: z.string().optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  attributes: keyValues,
  traceId: hexId.optional(),
  spanId: hexId.optional(),
});

const exportLogsRequestJson = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues }).optional(),
        scopeLogs: z.array(z.object({ logRecords: z.array(logRecordJson).optional() })).optional(),
      }),
    )
    .optional(),
});

export function decodeLogsRequestJson(text: string): DecodedLog[] {
  const request = checkedBy(exportLogsRequestJson, parseJsonBody(text), 'JSON logs');
  const logs: DecodedLog[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = toAttributes(resourceLogs.resource?.attributes);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) logs.push(toDecodedLog(record, resource));
    }
  }
  return logs;
}

function toDecodedLog(record: z.infer<typeof logRecordJson>, resource: DecodedLog['resource']): DecodedLog {
  const time = record.timeUnixNano ?? 0;
  const log: DecodedLog = {
    timeMs: Number(time) !== 0 ? nanosToMs(time) : nanosToMs(record.observedTimeUnixNano ?? 0),
    severityNumber: severityNumberOf(record.severityNumber),
    severityText: record.severityText ?? '',
    body: bodyText(record.body === undefined ? undefined : plain(record.body)),
    attributes: toAttributes(record.attributes),
    resource,
  };
  const traceId = validTraceId(record.traceId ?? '');
  const spanId = validSpanId(record.spanId ?? '');
  if (traceId) log.traceId = traceId;
  if (spanId) log.spanId = spanId;
  return log;
}

const SEVERITY_BASES: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** `9` or `"SEVERITY_NUMBER_INFO"`; `"SEVERITY_NUMBER_WARN3"` is 15. */
function severityNumberOf(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^SEVERITY_NUMBER_([A-Z]+)([2-4]?)$/.exec(value ?? '');
  const base = match ? SEVERITY_BASES[match[1]!] : undefined;
  return base === undefined ? 0 : base + (match![2] ? Number(match![2]) - 1 : 0);
}

/** An AnyValue in the JSON mapping as a plain value (kvlists as objects, arrays as arrays); depth was bounded above. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.bytesValue !== undefined) return v.bytesValue;
  const list = (field: unknown) => ((field as { values?: unknown } | undefined)?.values ?? []) as unknown[];
  if (v.arrayValue !== undefined) return Array.isArray(list(v.arrayValue)) ? list(v.arrayValue).map(plain) : [];
  if (v.kvlistValue !== undefined) {
    const entries = Array.isArray(list(v.kvlistValue)) ? list(v.kvlistValue) : [];
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const entry of entries as Array<{ key?: unknown; value?: unknown }>) {
      if (typeof entry?.key === 'string') out[entry.key] = plain(entry.value);
    }
    return { ...out };
  }
  return undefined;
}
