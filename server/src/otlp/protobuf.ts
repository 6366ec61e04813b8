import type { Attributes, AttrValue, SpanEvent, SpanRecord } from '@hopscope/shared';
import { KIND_BY_NUMBER, STATUS_BY_NUMBER } from './enums';
import { bad, Reader } from './protobuf-reader';

/*
 * A hand-written decoder for the OTLP ExportTraceServiceRequest protobuf
 * (opentelemetry-proto trace/v1). It reads only the fields hopscope uses and
 * skips the rest by wire type, as protobuf readers must. Malformed input
 * throws HubError(HOPSCOPE_HUB_BAD_OTLP).
 */
export { Reader };

export function decodeExportRequestProtobuf(body: Uint8Array): SpanRecord[] {
  const spans: SpanRecord[] = [];
  const reader = new Reader(body);
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) readResourceSpans(reader.sub(), spans);
    else reader.skip(wire);
  });
  return spans;
}

/**
 * A ResourceSpans or ResourceLogs: 1 = Resource, 2 = its scopes (ScopeSpans,
 * ScopeLogs). The resource may come after the scopes on the wire, so the
 * scopes are handed back to be read once it is known.
 */
export function readResourceAndScopes(reader: Reader): { resource: Attributes; scopes: Reader[] } {
  let resource: Attributes = {};
  const scopes: Reader[] = [];
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) resource = readResource(reader.sub());
    else if (field === 2 && wire === 2) scopes.push(reader.sub());
    else reader.skip(wire);
  });
  return { resource, scopes };
}

function readResourceSpans(reader: Reader, out: SpanRecord[]): void {
  const { resource, scopes } = readResourceAndScopes(reader);
  for (const scopeSpans of scopes) {
    // ScopeSpans: 1 = InstrumentationScope, 2 = spans. The scope may follow the spans on the wire.
    const spans: SpanRecord[] = [];
    let scope: SpanRecord['scope'];
    const lastTrace: LastTrace = { id: '', start: -1 };
    scopeSpans.fields((field, wire) => {
      if (field === 1 && wire === 2) scope = readScope(scopeSpans.sub());
      else if (field === 2 && wire === 2) {
        const outer = scopeSpans.enter();
        spans.push(readSpan(scopeSpans, resource, lastTrace));
        scopeSpans.leave(outer);
      } else scopeSpans.skip(wire);
    });
    for (const span of spans) {
      if (scope) span.scope = scope;
      out.push(span);
    }
  }
}

/** InstrumentationScope: 1 = name, 2 = version (one object shared by the scope's spans). */
function readScope(reader: Reader): SpanRecord['scope'] {
  let name = '';
  let version = '';
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) name = reader.string();
    else if (field === 2 && wire === 2) version = reader.string();
    else reader.skip(wire);
  });
  if (!name) return undefined;
  return version ? { name, version } : { name };
}

export function readResource(reader: Reader): Attributes {
  const attributes: Attributes = {};
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) readKeyValue(reader.sub(), attributes);
    else reader.skip(wire);
  });
  return attributes;
}

/** The previous span's trace id and where its bytes are: an export's spans come trace by trace, and share the string. */
interface LastTrace {
  id: string;
  start: number;
}

function readSpan(reader: Reader, resource: Attributes, lastTrace: LastTrace): SpanRecord {
  const span: SpanRecord = {
    traceId: '',
    spanId: '',
    name: '',
    kind: 'internal',
    startMs: 0,
    attributes: {},
    resource,
    status: { code: 'unset' },
    events: [],
  };
  let endMs = 0;
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) {
      const [id, start] = reader.hexLike(lastTrace.id, lastTrace.start);
      span.traceId = lastTrace.id = id;
      lastTrace.start = start;
    } else if (field === 2 && wire === 2) span.spanId = reader.hex();
    else if (field === 4 && wire === 2) {
      const parent = reader.hex();
      if (parent) span.parentSpanId = parent;
    } else if (field === 5 && wire === 2) span.name = reader.value();
    else if (field === 6 && wire === 0) span.kind = KIND_BY_NUMBER[reader.varint()] ?? 'internal';
    else if (field === 7 && wire === 1) span.startMs = reader.nanosMs();
    else if (field === 8 && wire === 1) endMs = reader.nanosMs();
    else if (field === 9 && wire === 2) {
      const outer = reader.enter();
      readKeyValue(reader, span.attributes);
      reader.leave(outer);
    } else if (field === 11 && wire === 2) span.events.push(readEvent(reader.sub()));
    else if (field === 15 && wire === 2) span.status = readStatus(reader.sub());
    else reader.skip(wire);
  }
  if (endMs > 0) span.endMs = endMs;
  return span;
}

function readEvent(reader: Reader): SpanEvent {
  const event: SpanEvent = { name: '', timeMs: 0, attributes: {} };
  reader.fields((field, wire) => {
    if (field === 1 && wire === 1) event.timeMs = reader.nanosMs();
    else if (field === 2 && wire === 2) event.name = reader.string();
    else if (field === 3 && wire === 2) readKeyValue(reader.sub(), event.attributes);
    else reader.skip(wire);
  });
  return event;
}

function readStatus(reader: Reader): SpanRecord['status'] {
  const status: SpanRecord['status'] = { code: 'unset' };
  reader.fields((field, wire) => {
    if (field === 2 && wire === 2) {
      const message = reader.string();
      if (message) status.message = message;
    } else if (field === 3 && wire === 0) status.code = STATUS_BY_NUMBER[reader.varint()] ?? 'unset';
    else reader.skip(wire);
  });
  return status;
}

/** A KeyValue: the reader (a sub-reader, or one narrowed by enter()) is read to its end. */
export function readKeyValue(reader: Reader, into: Attributes): void {
  let key = '';
  let value: AttrValue | undefined;
  // A loop rather than fields(callback): this runs for every attribute of every span.
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) key = reader.key();
    else if (field === 2 && wire === 2) {
      const outer = reader.enter();
      value = readAnyValue(reader, 0);
      reader.leave(outer);
    } else reader.skip(wire);
  }
  // Assigning "__proto__" would swap the object's prototype, not add an attribute.
  if (key && key !== '__proto__' && value !== undefined) into[key] = value;
}

/** Array values nest through readArray; a hostile body could nest them until the stack overflows. */
const MAX_VALUE_DEPTH = 32;

export function readAnyValue(reader: Reader, depth: number): AttrValue | undefined {
  if (depth > MAX_VALUE_DEPTH) throw bad(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
  let value: AttrValue | undefined;
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) value = reader.value();
    else if (field === 2 && wire === 0) value = reader.varint() !== 0;
    else if (field === 3 && wire === 0) value = reader.int64();
    else if (field === 4 && wire === 1) value = readDouble(reader);
    else if (field === 5 && wire === 2) value = readArray(reader.sub(), depth);
    else if (field === 7 && wire === 2) value = reader.hex();
    else reader.skip(wire);
  }
  return value;
}

function readDouble(reader: Reader): number {
  if (reader.pos + 8 > reader.end) throw bad('truncated double');
  const value = new DataView(reader.buf.buffer, reader.buf.byteOffset + reader.pos, 8).getFloat64(0, true);
  reader.pos += 8;
  return value;
}

function readArray(reader: Reader, depth: number): AttrValue {
  const values: Array<string | number | boolean> = [];
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) {
      const item = readAnyValue(reader.sub(), depth + 1);
      if (item !== undefined && !Array.isArray(item)) values.push(item);
    } else reader.skip(wire);
  });
  return values;
}
