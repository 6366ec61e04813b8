import { ATTR_SERVICE_NAME, type AttrScalar, type Attributes, type TraceLog } from '@hopscope/shared';
import { redactAttributes, redactUrlQuery } from '../pipeline/redact-span';

/** One OTLP LogRecord as both decoders read it (opentelemetry-proto logs/v1), before the hub keeps it. */
export interface DecodedLog {
  /** Lower-case hex; missing when the record carries no (or an all-zero) trace id. */
  traceId?: string;
  spanId?: string;
  /** Epoch ms: `time_unix_nano`, or `observed_time_unix_nano` when the source gave no time. */
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
  resource: Attributes;
}

/** A log line is shown, not archived: longer bodies are cut (and say so), so the store's byte bound counts records, not one huge one. */
export const MAX_LOG_BODY_CHARS = 8192;

/** SeverityNumber ranges (OTel logs data model, "Field: SeverityNumber"): 1–4 TRACE … 21–24 FATAL. */
const SEVERITY_RANGES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export function severityName(severityNumber: number): string {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return 'UNSPECIFIED';
  return SEVERITY_RANGES[Math.floor((severityNumber - 1) / 4)]!;
}

/** A 16-byte trace id (32 hex digits), or undefined for a missing, malformed or all-zero one (the spec's "invalid"). */
export function validTraceId(hex: string): string | undefined {
  const id = hex.toLowerCase();
  return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : undefined;
}

export function validSpanId(hex: string): string | undefined {
  const id = hex.toLowerCase();
  return /^[0-9a-f]{16}$/.test(id) && !/^0+$/.test(id) ? id : undefined;
}

/** A log body (an AnyValue) as the text shown: strings as they are, anything else as JSON. */
export function bodyText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/**
 * What the hub keeps of a record: redacted like a span (credential
 * attributes dropped, credential-like query values in the body replaced),
 * the body cut to a bound, attributes flattened to scalars.
 */
export function toTraceLog(record: DecodedLog): TraceLog {
  const attributes = { ...record.attributes };
  redactAttributes(attributes);
  let body = redactUrlQuery(record.body);
  if (body.length > MAX_LOG_BODY_CHARS)
    body = `${body.slice(0, MAX_LOG_BODY_CHARS)}… (${body.length - MAX_LOG_BODY_CHARS} more characters)`;
  const log: TraceLog = {
    time: record.timeMs,
    severity: record.severityText || severityName(record.severityNumber),
    body,
    attributes: scalars(attributes),
  };
  if (record.spanId) log.spanId = record.spanId;
  const service = record.resource[ATTR_SERVICE_NAME];
  if (typeof service === 'string') log.service = service;
  return log;
}

function scalars(attributes: Attributes): Record<string, AttrScalar> {
  const out: Record<string, AttrScalar> = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = Array.isArray(value) ? JSON.stringify(value) : value;
  return out;
}
