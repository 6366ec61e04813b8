import { HubError } from '../errors';

/** What Buffer.prototype.toString calls after looking the encoding up: the same decoders, without the lookup per field. */
interface SlicingBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}

/**
 * A protobuf wire-format reader over one body. Sub-messages are read either
 * through a sub-reader (`sub()`) or, on the hot paths, in place: `enter()`
 * narrows `end` to the field and `leave()` restores it, so that every read
 * inside stays within the field and no reader is made per attribute.
 */
export class Reader {
  pos: number;
  /** A Buffer over the same bytes (same indices), so text and ids decode straight from it, without a Buffer made per field. */
  private readonly view: SlicingBuffer;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    public end = buf.length,
    view?: Buffer,
  ) {
    this.pos = start;
    this.view = (view ?? (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength))) as SlicingBuffer;
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

  /** Narrows the reader to the length-delimited field that follows; returns the end to give back to leave(). */
  enter(): number {
    const length = this.varint();
    const outer = this.end;
    if (this.pos + length > outer) throw bad('truncated field');
    this.end = this.pos + length;
    return outer;
  }

  /** Back out of a field read with enter(), which must have been read to its end. */
  leave(outer: number): void {
    this.end = outer;
  }

  bytes(): Uint8Array {
    const start = this.delimited();
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const start = this.delimited();
    return start === this.pos ? '' : this.view.utf8Slice(start, this.pos);
  }

  /**
   * A string field that is usually one of a few, like attribute keys: the
   * same string object each time, instead of a new string per
   * attribute that the attribute object would then look up again by content.
   */
  key(): string {
    const start = this.delimited();
    return interned(KEYS, this.view, start, this.pos);
  }

  /**
   * A string value, shared with earlier equal ones when short (a method, a
   * scheme, a route, a span name: most repeat from span to span), so that
   * the thousands of stored spans hold one copy of each.
   */
  value(): string {
    const start = this.delimited();
    return interned(VALUES, this.view, start, this.pos);
  }

  /** A bytes field (trace and span ids) as lowercase hex. */
  hex(): string {
    const start = this.delimited();
    return start === this.pos ? '' : this.view.hexSlice(start, this.pos);
  }

  /**
   * hex(), reusing `previous` when the bytes are those of the field that
   * starts at `previousStart`: a trace id repeated by every span of a trace.
   * Returns the field's start along with its text.
   */
  hexLike(previous: string, previousStart: number): [string, number] {
    const start = this.delimited();
    const length = this.pos - start;
    if (previousStart >= 0 && previous.length === 2 * length && sameBytes(this.buf, start, previousStart, length)) return [previous, start];
    return [length === 0 ? '' : this.view.hexSlice(start, this.pos), start];
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

export function bad(detail: string): HubError {
  return new HubError('HOPSCOPE_HUB_BAD_OTLP', `protobuf: ${detail}`);
}

function sameBytes(buf: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/**
 * Strings remembered: a direct-mapped table by a hash of the bytes, where a
 * collision replaces the slot (values that never repeat, like paths with
 * ids, only cost their hash). One for keys, one for values, so that the
 * values do not push the keys out.
 */
interface Table {
  slots: Array<string | undefined>;
  maxBytes: number;
}
const SLOTS = 1024;
const KEYS: Table = { slots: new Array<string | undefined>(SLOTS).fill(undefined), maxBytes: 64 };
const VALUES: Table = { slots: new Array<string | undefined>(SLOTS).fill(undefined), maxBytes: 32 };

/**
 * The remembered string for these bytes, remembering it if new. The slot is
 * chosen by the length and a few bytes (cheap), and a hit is confirmed
 * byte by byte against the string's characters: a character equal to each
 * byte means the bytes are ASCII and spell that string. A string whose
 * length differs from its bytes' (multi-byte UTF-8) is never remembered.
 */
function interned(table: Table, buf: SlicingBuffer, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length > table.maxBytes) return buf.utf8Slice(start, end);
  const slot = slotOf(buf, start, length);
  const known = table.slots[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known.charCodeAt(i) === buf[start + i]) i++;
    if (i === length) return known;
  }
  const text = buf.utf8Slice(start, end);
  if (text.length === length) table.slots[slot] = text;
  return text;
}

/** A slot from the length and five bytes spread over the string (first, last, a quarter, half, three quarters in). */
function slotOf(buf: Uint8Array, start: number, length: number): number {
  let hash = Math.imul(length, 0x9e3779b1) ^ buf[start]!;
  hash = Math.imul(hash, 31) ^ buf[start + length - 1]!;
  hash = Math.imul(hash, 31) ^ buf[start + (length >> 2)]!;
  hash = Math.imul(hash, 31) ^ buf[start + (length >> 1)]!;
  hash = Math.imul(hash, 31) ^ buf[start + ((3 * length) >> 2)]!;
  return (hash ^ (hash >>> 15)) & (SLOTS - 1);
}
