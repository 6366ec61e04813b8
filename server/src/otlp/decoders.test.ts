import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Attributes as OtelAttributes } from '@opentelemetry/api';
import type { SpanRecord } from '@hopscope/shared';
import { HubError } from '../errors';
import { decodeExportRequestJson } from './json';
import { decodeExportRequestProtobuf } from './protobuf';

/**
 * Property tests of the OTLP decoders: whatever arrives, a decoder
 * returns well-formed spans or throws HubError(HOPSCOPE_HUB_BAD_OTLP), never
 * another exception (the hub would answer 500 and log a stack).
 */
const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES = ['unset', 'ok', 'error'];

function decodesOrRefuses(decode: () => SpanRecord[]): SpanRecord[] | undefined {
  let spans: SpanRecord[];
  try {
    spans = decode();
  } catch (error) {
    if (!(error instanceof HubError)) throw new Error(`not a HubError: ${String(error)}`, { cause: error });
    expect(error.code).toBe('HOPSCOPE_HUB_BAD_OTLP');
    return undefined;
  }
  for (const span of spans) {
    expect([typeof span.traceId, typeof span.spanId, typeof span.name, typeof span.startMs]).toEqual([
      'string',
      'string',
      'string',
      'number',
    ]);
    expect(KINDS).toContain(span.kind);
    expect(STATUS_CODES).toContain(span.status.code);
    for (const attributes of [span.attributes, span.resource, ...span.events.map((e) => e.attributes)])
      expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  }
  return spans;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const varint = (n: number) => {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  return [...out, n];
};
/** A length-delimited protobuf field. */
const wrap = (field: number, body: Uint8Array) => new Uint8Array([(field << 3) | 2, ...varint(body.length), ...body]);
/** AnyValue{arrayValue: [stringValue]}. */
const arrayOf = (text: string) => wrap(5, wrap(1, wrap(1, utf8(text))));
/** ExportTraceServiceRequest{resourceSpans{scopeSpans{spans: [span]}}} with one attribute (an encoded AnyValue). */
function protobufWithAttribute(key: string, anyValue: Uint8Array): Uint8Array {
  const keyValue = new Uint8Array([...wrap(1, utf8(key)), ...wrap(2, anyValue)]);
  const span = new Uint8Array([...wrap(1, new Uint8Array(16).fill(1)), ...wrap(2, new Uint8Array(8).fill(2)), ...wrap(9, keyValue)]);
  return wrap(1, wrap(2, wrap(2, span)));
}

/** Real SDK spans with the given attributes, as an app would export them. */
function sdkSpans(attributes: OtelAttributes[]) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'fuzz' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('fuzz');
  attributes.forEach((attrs, i) => tracer.startSpan(`span-${i}`, { kind: i % 6 === 5 ? 0 : i % 6, attributes: attrs }).end());
  return exporter.getFinishedSpans();
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const attributeValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  finite,
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 4 }),
);
// "__proto__" is dropped by the decoders (see the test of it below), so not generated here.
const attributes = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
  attributeValue,
  { maxKeys: 6 },
);

describe('OTLP JSON decoder under arbitrary input', () => {
  it('any text: spans or HOPSCOPE_HUB_BAD_OTLP', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => void decodesOrRefuses(() => decodeExportRequestJson(text))),
      { numRuns: 1000 },
    );
  });

  it('any JSON value, and export-shaped JSON with wrong types anywhere', () => {
    const loose = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR', '18446744073709551615', '-1'),
    );
    const keyValue = fc.record(
      {
        key: fc.oneof(fc.string(), loose),
        value: fc.oneof(
          fc.record({ stringValue: loose }),
          fc.record({ intValue: loose }),
          fc.record({ arrayValue: fc.record({ values: fc.array(fc.record({ doubleValue: loose })) }) }),
          loose,
        ),
      },
      { requiredKeys: [] },
    );
    const span = fc.record(
      {
        traceId: fc.oneof(fc.stringMatching(/^[0-9a-fA-F]{0,40}$/), loose),
        spanId: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), loose),
        parentSpanId: loose,
        name: loose,
        kind: fc.oneof(fc.integer({ min: -2, max: 9 }), loose),
        startTimeUnixNano: fc.oneof(fc.stringMatching(/^\d{1,20}$/), fc.nat(), loose),
        endTimeUnixNano: loose,
        attributes: fc.oneof(fc.array(keyValue, { maxLength: 4 }), loose),
        events: fc.oneof(
          fc.array(fc.record({ timeUnixNano: loose, name: loose, attributes: fc.array(keyValue) }, { requiredKeys: [] }), { maxLength: 2 }),
          loose,
        ),
        status: fc.oneof(
          fc.record({ code: fc.oneof(fc.integer({ min: -1, max: 4 }), loose), message: loose }, { requiredKeys: [] }),
          loose,
        ),
      },
      { requiredKeys: ['traceId', 'spanId', 'startTimeUnixNano'] },
    );
    const request = fc.record({
      resourceSpans: fc.array(
        fc.record(
          {
            resource: fc.record({ attributes: fc.array(keyValue, { maxLength: 3 }) }),
            scopeSpans: fc.array(fc.record({ spans: fc.array(span, { maxLength: 3 }) }), { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(fc.oneof(loose, request), (value) => void decodesOrRefuses(() => decodeExportRequestJson(JSON.stringify(value) ?? ''))),
      { numRuns: 1500 },
    );
  });

  it('an attribute named "__proto__" is dropped, from JSON and protobuf alike, and no prototype changes', () => {
    // An array value: assigned to "__proto__" it would become the attributes' prototype.
    const json = new TextDecoder()
      .decode(JsonTraceSerializer.serializeRequest(sdkSpans([{ ok: ['x'] }]))!)
      .replace('"key":"ok"', '"key":"__proto__"');
    const fromJson = decodesOrRefuses(() => decodeExportRequestJson(json))!;
    const fromProto = decodesOrRefuses(() => decodeExportRequestProtobuf(protobufWithAttribute('__proto__', arrayOf('x'))))!;
    expect(decodeExportRequestProtobuf(protobufWithAttribute('kept', arrayOf('x')))[0]!.attributes).toEqual({ kept: ['x'] });
    for (const spans of [fromJson, fromProto]) {
      expect(spans).toHaveLength(1);
      expect(spans[0]!.attributes).toEqual({});
      expect(Object.getPrototypeOf(spans[0]!.attributes)).toBe(Object.prototype);
    }
  });

  it('enum names that are not OTLP names (prototype keys included) become the defaults', () => {
    const name = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'SPAN_KIND_CLIENT', 'STATUS_CODE_OK'),
    );
    const code = fc.oneof(name, fc.integer({ min: -3, max: 9 }));
    fc.assert(
      fc.property(code, code, (kind, status) => {
        const span = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), startTimeUnixNano: '1', kind, status: { code: status } };
        const spans = decodesOrRefuses(() =>
          decodeExportRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })),
        );
        expect(spans).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });

  it('attributes nested 100 000 deep are refused, not a stack overflow', () => {
    const open = '{"arrayValue":{"values":['.repeat(100_000);
    const close = ']}}'.repeat(100_000);
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"ab","spanId":"cd","startTimeUnixNano":"1","attributes":[{"key":"deep","value":${open}{"stringValue":"x"}${close}}]}]}]}]}`;
    expect(() => decodeExportRequestJson(body)).toThrow(expect.objectContaining({ code: 'HOPSCOPE_HUB_BAD_OTLP' }));
  });
});

describe('OTLP protobuf decoder under arbitrary input', () => {
  it('any bytes: spans or HOPSCOPE_HUB_BAD_OTLP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => void decodesOrRefuses(() => decodeExportRequestProtobuf(bytes))),
      { numRuns: 3000 },
    );
  });

  it('a real export with bytes flipped, cut off or inserted anywhere: spans or HOPSCOPE_HUB_BAD_OTLP', () => {
    const valid = ProtobufTraceSerializer.serializeRequest(
      sdkSpans([{ 'hopscope.hop': 'gateway', n: -3, f: 1.5, list: ['a', 'b'], ok: true }, { 'url.path': '/x' }]),
    )!;
    const mutation = fc.array(
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(mutation, (steps) => {
        let bytes: Uint8Array = valid.slice();
        for (const [at, byte, how] of steps) {
          const i = Math.min(at, bytes.length);
          if (how === 'flip' && i < bytes.length) bytes[i] = byte;
          else if (how === 'cut') bytes = bytes.slice(0, i);
          else bytes = new Uint8Array([...bytes.slice(0, i), byte, ...bytes.slice(i)]);
        }
        decodesOrRefuses(() => decodeExportRequestProtobuf(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('attributes nested 100 000 deep are refused, not a stack overflow', () => {
    // AnyValue{arrayValue(5): ArrayValue{values(1): AnyValue{…}}}: the prefixes, built from the inside out.
    const leaf = [0x0a, 0x01, 0x78]; // AnyValue{stringValue: "x"}
    const prefixes: number[][] = [];
    let length = leaf.length;
    for (let i = 0; i < 2 * 100_000; i++) {
      const prefix = [((i % 2 === 0 ? 1 : 5) << 3) | 2, ...varint(length)];
      prefixes.push(prefix);
      length += prefix.length;
    }
    const inner = new Uint8Array([...prefixes.reverse().flat(), ...leaf]);
    const body = protobufWithAttribute('deep', inner);
    expect(() => decodeExportRequestProtobuf(body)).toThrow(expect.objectContaining({ code: 'HOPSCOPE_HUB_BAD_OTLP' }));
  });
});

describe('the two decoders agree on what the real OpenTelemetry serializers produce', () => {
  it('protobuf and JSON exports of the same spans decode to the same spans', () => {
    fc.assert(
      fc.property(fc.array(attributes, { minLength: 1, maxLength: 4 }), (list) => {
        const spans = sdkSpans(list);
        const fromProto = decodeExportRequestProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!);
        const fromJson = decodeExportRequestJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
        expect(fromProto).toEqual(fromJson);
        expect(fromProto.map((s) => s.attributes)).toEqual(list);
      }),
      { numRuns: 300 },
    );
  });

  it('keys, short values and trace ids the protobuf decoder shares between spans are the ones JSON gives, through collisions in its tables', () => {
    // 3,000 distinct keys and values over 1,024 slots (so slots are replaced), at and around the lengths
    // shared (64-byte keys, 32-byte values), with non-ASCII text, each seen several times in a random order.
    const pick = (n: number, i: number) => (i * 7919 + 13) % n;
    const key = (i: number) => [`k${i}`, `é${i}`, `${'k'.repeat(60)}${i % 10_000}`.slice(0, 63 + (i % 3)), `app.${i}.id`][i % 4]!;
    const value = (i: number) => [`v${i}`, `${'v'.repeat(31)}${i}`.slice(0, 31 + (i % 3)), `ü${i}`, 'GET'][i % 4]!;
    const list = Array.from({ length: 600 }, (_, s) =>
      Object.fromEntries(Array.from({ length: 5 }, (_, a) => [key(pick(3_000, s * 5 + a)), value(pick(3_000, s * 3 + a))])),
    );
    const spans = sdkSpans(list);
    const fromProto = decodeExportRequestProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!);
    const fromJson = decodeExportRequestJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
    expect(fromProto).toEqual(fromJson);
    expect(fromProto.map((s) => s.attributes)).toEqual(list);
  });

  it('a value whose length runs past its attribute, though not past the body, is refused', () => {
    // KeyValue{key: "k", value: AnyValue{stringValue: length 40, 3 bytes}} followed by other bytes of the span.
    const keyValue = new Uint8Array([...wrap(1, utf8('k')), (2 << 3) | 2, 5, (1 << 3) | 2, 40, 0x61, 0x62, 0x63]);
    const span = new Uint8Array([...wrap(9, keyValue), ...wrap(5, utf8('x'.repeat(60))), ...wrap(1, new Uint8Array(16).fill(1))]);
    expect(() => decodeExportRequestProtobuf(wrap(1, wrap(2, wrap(2, span))))).toThrow(
      expect.objectContaining({ code: 'HOPSCOPE_HUB_BAD_OTLP' }),
    );
  });

  it('both keep the instrumentation scope (name and version) the hop mapping reads, one object per scope', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.getTracer('@opentelemetry/instrumentation-express', '0.71.1').startSpan('request handler - /items/:id').end();
    provider.getTracer('@opentelemetry/instrumentation-express', '0.71.1').startSpan('middleware - query').end();
    provider.getTracer('opentelemetry.instrumentation.flask').startSpan('GET /items/<int:item_id>').end();
    const spans = exporter.getFinishedSpans();
    for (const decoded of [
      decodeExportRequestProtobuf(ProtobufTraceSerializer.serializeRequest(spans)!),
      decodeExportRequestJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!)),
    ]) {
      const byName = new Map(decoded.map((s) => [s.name, s]));
      expect(byName.get('request handler - /items/:id')!.scope).toEqual({
        name: '@opentelemetry/instrumentation-express',
        version: '0.71.1',
      });
      expect(byName.get('middleware - query')!.scope).toBe(byName.get('request handler - /items/:id')!.scope);
      expect(byName.get('GET /items/<int:item_id>')!.scope).toEqual({ name: 'opentelemetry.instrumentation.flask' });
    }
  });
});
