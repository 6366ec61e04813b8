import { createRequire } from 'node:module';

/**
 * A reader of OTLP that hopscope did not write: the protobufjs classes the
 * OpenTelemetry JS project generated from the opentelemetry-proto definitions
 * (shipped in @opentelemetry/otlp-proto-exporter-base). What hopscope writes
 * as OTLP/JSON (`--record` files, the export to a backend) must be what this
 * reader makes of it, field for field, the way a Collector reads it:
 *
 * - JSON per the OTLP spec's "JSON Protobuf Encoding": lowerCamelCase field
 *   names, enums as integers, 64-bit integers as decimal strings, and trace
 *   and span ids as hex (not base64, where OTLP departs from proto3 JSON);
 * - every field written must be one the schema has, with the value the schema
 *   reads back: the document is converted to the protobuf message, checked,
 *   encoded to protobuf bytes, decoded again and compared with what was
 *   written. A misspelt or mistyped field does not survive that trip.
 */
const require = createRequire(import.meta.url);

interface MessageType {
  fromObject(object: unknown): unknown;
  verify(message: unknown): string | null;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

const root = require('@opentelemetry/otlp-proto-exporter-base/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } };
};
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** Fields that hold ids: hex in OTLP/JSON, bytes in the protobuf message; lengths in bytes. */
const ID_FIELDS: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };

/**
 * Reads one ExportTraceServiceRequest written as OTLP/JSON and returns it as
 * the official classes decode it (all fields, defaults included, ids back in
 * hex, 64-bit integers as strings). Throws on a document they cannot read.
 */
export function readOtlpJson(document: unknown): Record<string, unknown> {
  const message = ExportTraceServiceRequest.fromObject(idsToBytes(document, ''));
  const problem = ExportTraceServiceRequest.verify(message);
  if (problem) throw new Error(`not an ExportTraceServiceRequest: ${problem}`);
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  const decoded = ExportTraceServiceRequest.decode(bytes);
  return idsToHex(
    ExportTraceServiceRequest.toObject(decoded, { longs: String, enums: Number, bytes: Array, defaults: true, arrays: true }),
  ) as Record<string, unknown>;
}

/** Reads OTLP protobuf bytes (what an SDK's proto exporter sends) the same way. */
export function readOtlpProtobuf(bytes: Uint8Array): Record<string, unknown> {
  const decoded = ExportTraceServiceRequest.decode(bytes);
  return idsToHex(
    ExportTraceServiceRequest.toObject(decoded, { longs: String, enums: Number, bytes: Array, defaults: true, arrays: true }),
  ) as Record<string, unknown>;
}

function idsToBytes(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => idsToBytes(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const length = ID_FIELDS[key];
    if (length === undefined) out[key] = idsToBytes(field, `${path}.${key}`);
    else out[key] = hexId(field, length, `${path}.${key}`, key === 'parentSpanId');
  }
  return out;
}

function hexId(value: unknown, length: number, path: string, mayBeEmpty: boolean): Buffer {
  if (typeof value !== 'string') throw new Error(`${path} must be a hex string, not ${typeof value}`);
  if (value === '' && mayBeEmpty) return Buffer.alloc(0);
  if (!new RegExp(`^[0-9a-f]{${length * 2}}$`, 'i').test(value)) {
    throw new Error(`${path} must be ${length * 2} hex digits (OTLP/JSON ids are hex, not base64): ${JSON.stringify(value)}`);
  }
  return Buffer.from(value, 'hex');
}

function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = key in ID_FIELDS && Array.isArray(field) ? Buffer.from(field as number[]).toString('hex') : idsToHex(field);
  }
  return out;
}
