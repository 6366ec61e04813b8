import type { Attributes, AttrValue, SpanEvent, SpanRecord } from '@hopscope/shared';
import { HubError } from '../errors';
import { KIND_BY_NUMBER, STATUS_BY_NUMBER } from './enums';

/**
 * A hand-written decoder for the OTLP ExportTraceServiceRequest protobuf
 * (opentelemetry-proto trace/v1). It reads only the fields hopscope uses and
 * skips the rest by wire type, as protobuf readers must. Malformed input
 * throws HubError(HOPSCOPE_HUB_BAD_OTLP).
 */
export class Reader {
  pos: number;
  /** A Buffer over the same bytes (same indices), so text and ids decode straight from it, without a Buffer made per field. */
  private readonly view: Buffer;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
    view?: Buffer,
  ) {
    this.pos = start;
    this.view = view ?? (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw bad('truncated varint');
      const byte = this.buf[this.pos++]!;
      if (shift < 53) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
    throw bad('varint too long');
  }

  /** An int64 varint: two's complement, so a negative number is 10 bytes long. */
  int64(): number {
    // Non-negative values below 2⁵³ (nearly all: status codes, ports, sizes) fit in a double as they are read.
    const start = this.pos;
    let fast = 0;
    for (let i = 0; i < 7 && this.pos < this.end; i++) {
      const byte = this.buf[this.pos++]!;
      fast += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) return fast;
    }
    this.pos = start;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw bad('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return Number(BigInt.asIntN(64, result));
    }
    throw bad('varint too long');
  }

  /** fixed64 nanoseconds to epoch ms, keeping microseconds exactly as the JSON decoder does (a double cannot hold the nanoseconds). */
  nanosMs(): number {
    const lo = this.fixed32();
    const hi = this.fixed32();
    // hi·2³² = hi·4294967·1000 + hi·296, so whole microseconds = hi·4294967 + ⌊(hi·296 + lo) / 1000⌋: exact
    // in doubles while it stays below 2⁵³ (until the year 2255); past that, BigInt.
    const micros = hi * 4294967 + Math.floor((hi * 296 + lo) / 1000);
    if (micros <= Number.MAX_SAFE_INTEGER) return micros / 1000;
    return Number(((BigInt(hi) << 32n) | BigInt(lo)) / 1000n) / 1000;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw bad('truncated fixed32');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /** A length-delimited field as a sub-reader. */
  sub(): Reader {
    const start = this.delimited();
    return new Reader(this.buf, start, this.pos, this.view);
  }

  bytes(): Uint8Array {
    const start = this.delimited();
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const start = this.delimited();
    return this.view.toString('utf8', start, this.pos);
  }

  /** A bytes field (trace and span ids) as lowercase hex. */
  hex(): string {
    const start = this.delimited();
    return this.view.toString('hex', start, this.pos);
  }

  /** Steps over a length-delimited field's length and contents; returns where the contents start. */
  private delimited(): number {
    const length = this.varint();
    if (this.pos + length > this.end) throw bad('truncated field');
    const start = this.pos;
    this.pos += length;
    return start;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.delimited();
    else if (wireType === 5) this.advance(4);
    else throw bad(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw bad('truncated field');
    this.pos += n;
  }

  /** Calls `onField(fieldNumber, wireType)` for each field; the callback must consume or skip it. */
  fields(onField: (field: number, wireType: number) => void): void {
    while (!this.done()) {
      const key = this.varint();
      onField(Math.floor(key / 8), key & 7);
    }
  }
}

function bad(detail: string): HubError {
  return new HubError('HOPSCOPE_HUB_BAD_OTLP', `protobuf: ${detail}`);
}

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
    scopeSpans.fields((field, wire) => {
      if (field === 1 && wire === 2) scope = readScope(scopeSpans.sub());
      else if (field === 2 && wire === 2) spans.push(readSpan(scopeSpans.sub(), resource));
      else scopeSpans.skip(wire);
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

function readSpan(reader: Reader, resource: Attributes): SpanRecord {
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
    if (field === 1 && wire === 2) span.traceId = reader.hex();
    else if (field === 2 && wire === 2) span.spanId = reader.hex();
    else if (field === 4 && wire === 2) {
      const parent = reader.hex();
      if (parent) span.parentSpanId = parent;
    } else if (field === 5 && wire === 2) span.name = reader.string();
    else if (field === 6 && wire === 0) span.kind = KIND_BY_NUMBER[reader.varint()] ?? 'internal';
    else if (field === 7 && wire === 1) span.startMs = reader.nanosMs();
    else if (field === 8 && wire === 1) endMs = reader.nanosMs();
    else if (field === 9 && wire === 2) readKeyValue(reader.sub(), span.attributes);
    else if (field === 11 && wire === 2) span.events.push(readEvent(reader.sub()));
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

export function readKeyValue(reader: Reader, into: Attributes): void {
  let key = '';
  let value: AttrValue | undefined;
  // A loop rather than fields(callback): this runs for every attribute of every span.
  while (!reader.done()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === 2) key = reader.string();
    else if (field === 2 && wire === 2) value = readAnyValue(reader.sub(), 0);
    else reader.skip(wire);
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
    if (field === 1 && wire === 2) value = reader.string();
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
