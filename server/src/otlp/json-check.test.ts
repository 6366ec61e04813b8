import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exportRequestJson } from './json';
import { nestedDeeperThan, textNestedDeeperThan } from './json-body';
import { isExportRequestJson } from './json-check';

/**
 * The quick check must accept exactly what the zod schema accepts: were it
 * to accept more, a malformed export would be decoded instead of refused
 * with zod's error; were it to accept less, real exports would take the
 * slow path.
 */
const loose = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, -1, 1.5, 'xyz', 'ABCdef01', '18446744073709551615', '123456789012345678901', [], {}),
);
/** Mostly well-typed, so that a record is often wrong in one field only. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary, weight: 12 }, { arbitrary: loose, weight: 1 });
const anyValue = fc.record(
  {
    stringValue: maybe(fc.string()),
    boolValue: maybe(fc.boolean()),
    intValue: maybe(fc.integer()),
    doubleValue: maybe(fc.double({ noNaN: true, noDefaultInfinity: true })),
    bytesValue: maybe(fc.string()),
    arrayValue: maybe(fc.record({ values: maybe(fc.array(fc.record({ stringValue: maybe(fc.string()) }), { maxLength: 2 })) })),
  },
  { requiredKeys: [] },
);
const keyValues = maybe(fc.array(fc.record({ key: maybe(fc.string()), value: maybe(anyValue) }, { requiredKeys: [] }), { maxLength: 3 }));
const nanos = maybe(fc.oneof(fc.stringMatching(/^\d{1,21}$/), fc.nat()));
const span = fc.record(
  {
    traceId: maybe(fc.stringMatching(/^[0-9a-fA-F]{0,32}$/)),
    spanId: maybe(fc.stringMatching(/^[0-9a-f]{16}$/)),
    parentSpanId: maybe(fc.stringMatching(/^[0-9a-f]{16}$/)),
    name: maybe(fc.string()),
    kind: maybe(fc.integer({ min: 0, max: 5 })),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: keyValues,
    events: maybe(fc.array(fc.record({ timeUnixNano: nanos, name: maybe(fc.string()), attributes: keyValues }, { requiredKeys: [] }))),
    status: maybe(fc.record({ code: maybe(fc.integer({ min: 0, max: 2 })), message: maybe(fc.string()) }, { requiredKeys: [] })),
    unknownField: loose,
  },
  { requiredKeys: [] },
);
const request = fc.record(
  {
    resourceSpans: maybe(
      fc.array(
        fc.record(
          {
            resource: maybe(fc.record({ attributes: keyValues }, { requiredKeys: [] })),
            scopeSpans: maybe(
              fc.array(
                fc.record(
                  {
                    scope: maybe(fc.record({ name: maybe(fc.string()), version: maybe(fc.string()) })),
                    spans: maybe(fc.array(span, { maxLength: 2 })),
                  },
                  { requiredKeys: [] },
                ),
                { maxLength: 2 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('the quick JSON export check agrees with the zod schema', () => {
  it('on export-shaped values with wrong types anywhere, and on any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(request, loose), (value) => {
        expect(isExportRequestJson(value)).toBe(exportRequestJson.safeParse(value).success);
      }),
      { numRuns: 1000 },
    );
  });

  it('on a valid export with one field anywhere replaced by a wrong value', () => {
    const valid = () => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'app' } }] },
          scopeSpans: [
            {
              scope: { name: 'flask', version: '1' },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  parentSpanId: '00f067aa0ba902b7',
                  name: 'GET /',
                  kind: 2,
                  startTimeUnixNano: '1764380000000000000',
                  endTimeUnixNano: 1764380000000001000,
                  attributes: [{ key: 'n', value: { intValue: '1', arrayValue: { values: [{ boolValue: true }] } } }],
                  events: [{ timeUnixNano: '1', name: 'e', attributes: [] }],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const base = valid();
    expect(isExportRequestJson(base)).toBe(true);
    // Every object and array in the valid export, by path, so each field gets its turn.
    const places: Array<(root: ReturnType<typeof valid>) => Record<string, unknown>> = [];
    const walk = (value: unknown, path: Array<string | number>) => {
      if (value === null || typeof value !== 'object') return;
      places.push((root) => path.reduce<any>((at, step) => at[step], root));
      for (const [key, child] of Object.entries(value)) walk(child, [...path, Array.isArray(value) ? Number(key) : key]);
    };
    walk(base, []);
    const wrong = fc.oneof(loose, fc.constantFrom('g0', '12a', '-5', 1e400, -0.5));
    fc.assert(
      fc.property(fc.nat(places.length - 1), fc.string({ maxLength: 3 }), wrong, (place, extra, value) => {
        const root = valid();
        const target = places[place]!(root);
        const keys = Object.keys(target);
        target[keys.length > 0 ? keys[extra.length % keys.length]! : extra] = value;
        expect(isExportRequestJson(root)).toBe(exportRequestJson.safeParse(root).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts what the official JS serializer exports (the fast path is the one real exports take)', () => {
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t', '1');
    const span = tracer.startSpan('GET /', { attributes: { 'http.route': '/', n: 1, ok: true, list: ['a', 'b'], ratio: 0.5 } });
    span.addEvent('exception', { 'exception.type': 'ValueError' });
    span.setStatus({ code: 2, message: 'boom' });
    span.end();
    const body = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!));
    expect(isExportRequestJson(body)).toBe(true);
  });
});

describe('the nesting bound read on the text', () => {
  it('says what walking the parsed value says, strings with brackets and escaped quotes included', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}') });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.array(text, { maxLength: 3 }), fc.nat(7), (value, strings, limit) => {
        const json = JSON.stringify([value, ...strings]);
        expect(textNestedDeeperThan(json, limit)).toBe(nestedDeeperThan(JSON.parse(json), limit));
      }),
      { numRuns: 2000 },
    );
  });
});
