import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTraceparent, formatTraceparent } from './traceparent';
import { parseServerTiming, formatServerTiming, type ServerTimingEntry } from './server-timing';
import { parseRequestStart, formatRequestStart } from './request-start';
import { redactQuery, REDACTED } from './redact';
import { parseLiveMessage, parseRecording } from './wire';
import { HOPS } from './hops';
import type { LiveMessage } from './wire-types';

/**
 * Property-based tests of every parser in shared/: they read what
 * strangers send (headers, query strings, messages, recordings), so arbitrary
 * input never throws, and what we format, we read back.
 */
// Strings, repeated headers (string[]), and anything at all, e.g. [{ toString: false }] (which once made parseServerTiming throw).
const anyInput = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.anything(),
  fc.array(fc.string({ maxLength: 50 }), { maxLength: 5 }),
  fc.constant([{ toString: false }]),
);
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((id) => !/^0+$/.test(id));

describe('traceparent (W3C Trace Context)', () => {
  it('never throws, and anything it accepts is well-formed', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const parsed = parseTraceparent(input);
        if (parsed) expect(parsed.traceId + parsed.parentSpanId).toMatch(/^[0-9a-f]{48}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse ∘ format is the identity, whatever the case and surrounding whitespace', () => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.boolean(), fc.boolean(), fc.constantFrom('', ' ', '\t'), (traceId, spanId, sampled, upper, pad) => {
        const header = formatTraceparent(traceId, spanId, sampled);
        expect(parseTraceparent(`${pad}${upper ? header.toUpperCase() : header}${pad}`)).toEqual({
          traceId,
          parentSpanId: spanId,
          sampled,
        });
      }),
    );
  });

  it('a header it accepts, formatted again, reads back the same (future versions included)', () => {
    const header = fc.tuple(
      fc.stringMatching(/^[0-9a-fA-F]{2}$/),
      fc.stringMatching(/^[0-9a-f]{32}$/),
      fc.stringMatching(/^[0-9a-f]{16}$/),
      fc.stringMatching(/^[0-9a-f]{2}$/),
      fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    );
    fc.assert(
      fc.property(header, ([version, traceId, spanId, flags, rest]) => {
        const parsed = parseTraceparent(`${version}-${traceId}-${spanId}-${flags}${rest === undefined ? '' : `-${rest}`}`);
        if (parsed) expect(parseTraceparent(formatTraceparent(parsed.traceId, parsed.parentSpanId, parsed.sampled))).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Server-Timing', () => {
  const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
  const entry: fc.Arbitrary<ServerTimingEntry> = fc.record(
    { name: token, duration: fc.double({ min: 0, max: 1e9, noNaN: true }), description: fc.string({ maxLength: 30, unit: 'binary' }) },
    { requiredKeys: ['name'] },
  );

  it('never throws, and every entry it returns has a token name and a finite, non-negative duration', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        for (const parsed of parseServerTiming(input)) {
          expect(parsed.name).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
          if (parsed.duration !== undefined) expect(Number.isFinite(parsed.duration) && parsed.duration >= 0).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parse ∘ format keeps names, descriptions (quotes, commas, semicolons, backslashes) and durations to 0.01 ms', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 10 }), (entries) => {
        const expected = entries.map((e) => ({
          ...e,
          ...(e.duration === undefined ? {} : { duration: Math.round(e.duration * 100) / 100 }),
        }));
        expect(parseServerTiming(formatServerTiming(entries))).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('X-Request-Start', () => {
  // From 2001 to 2200: the window the parser tells magnitudes apart in.
  const epochMs = fc.integer({ min: 978_307_200_000, max: 7_258_118_400_000 });

  it('never throws, and anything it accepts is an epoch-ms instant after 2001', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const ms = parseRequestStart(input);
        if (ms !== undefined) expect(ms).toBeGreaterThanOrEqual(978_307_200_000);
      }),
      { numRuns: 2000 },
    );
  });

  // To about a microsecond: a double holds epoch ms only to ~0.001 ms.
  it('parse ∘ format is the identity to about a microsecond, and seconds, ms, µs and ns all read as the same instant', () => {
    fc.assert(
      fc.property(epochMs, fc.integer({ min: 0, max: 999 }), (ms, micros) => {
        const instant = ms + micros / 1000;
        expect(parseRequestStart(formatRequestStart(instant))).toBeCloseTo(instant, 2);
        expect(parseRequestStart(String(ms))).toBe(ms);
        expect(parseRequestStart(`t=${ms / 1000}`)).toBeCloseTo(ms, 0);
        expect(parseRequestStart(`${BigInt(ms) * 1_000_000n}`)).toBeCloseTo(ms, 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('redactQuery', () => {
  const secretWord = fc.constantFrom('token', 'key', 'password', 'passwd', 'secret', 'sig', 'auth', 'session', 'credential');
  const randomCase = (text: string, mask: number) => [...text].map((c, i) => ((mask >> i) & 1 ? c.toUpperCase() : c)).join('');
  const percentEncode = (text: string, mask: number) =>
    [...text].map((c, i) => ((mask >> i) & 1 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c)).join('');
  /** A parameter name a server would read as credential-like, spelled any way a URL may spell it. */
  // …with a malformed escape somewhere at times, which a lenient server still decodes around.
  const junk = fc.constantFrom('', '', '%', '%zz', '%E0', '%C3%');
  const secretName = fc
    .tuple(fc.stringMatching(/^[a-z_]{0,6}$/), secretWord, fc.stringMatching(/^[a-z_]{0,6}$/), fc.nat(), fc.nat(), junk, fc.boolean())
    .map(([before, word, after, caseMask, encodeMask, bad, atEnd]) => {
      const name = percentEncode(randomCase(`${before}${word}${after}`, caseMask), encodeMask % 2 === 0 ? 0 : encodeMask);
      // A trailing '%' before the name would eat its first two letters as an escape: a different name, so only after it.
      return atEnd || bad.endsWith('%') ? `${name}${bad}` : `${bad}${name}`;
    });
  // Secret values use characters no name or ordinary value here uses, so any leak shows.
  const secretValue = fc.stringMatching(/^[A-Z0-9]{6,16}$/).map((v) => `Q${v}`);
  const plainPair = fc.tuple(fc.stringMatching(/^[a-j]{1,5}$/), fc.stringMatching(/^[a-j0-9%+]{0,8}$/)).map(([n, v]) => `${n}=${v}`);

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (query) => void redactQuery(query)),
      { numRuns: 2000 },
    );
  });

  it('never leaks the value of a credential-like parameter, however it is spelled, and leaves other pairs alone', () => {
    const pair = fc.oneof(
      fc.tuple(secretName, secretValue).map(([n, v]) => ({ text: `${n}=${v}`, secret: v })),
      plainPair.map((text) => ({ text, secret: undefined })),
    );
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 6 }), (pairs) => {
        const out = redactQuery(pairs.map((p) => p.text).join('&'));
        for (const p of pairs) {
          if (p.secret) expect(out).not.toContain(p.secret);
          else expect(out.split('&')).toContain(p.text);
        }
        expect(out.split('&')).toHaveLength(pairs.length);
        expect(out.split(REDACTED).length - 1).toBe(pairs.filter((p) => p.secret).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wire: live messages and recordings', () => {
  const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  const num = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
  const hop = fc.record(
    {
      hop: fc.constantFrom(...HOPS),
      start: num,
      duration: num,
      measured: fc.boolean(),
      source: fc.constantFrom('measured' as const, 'derived' as const, 'synthesized' as const),
      inFlight: fc.boolean(),
      name: fc.string(),
      spanId: fc.string(),
      status: fc.integer(),
      error: fc.record({ type: fc.string(), message: fc.string() }, { requiredKeys: ['type'] }),
      attributes: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
        scalar,
        { maxKeys: 3 },
      ),
    },
    { requiredKeys: ['hop', 'start', 'duration', 'measured', 'source', 'inFlight', 'attributes'] },
  );
  const trace = fc.record(
    {
      traceId: fc.string(),
      target: fc.string(),
      method: fc.string(),
      path: fc.string(),
      route: fc.string(),
      status: fc.integer(),
      start: num,
      duration: num,
      worker: fc.string(),
      error: fc.string(),
      inFlight: fc.boolean(),
      hops: fc.array(hop, { maxLength: 3 }),
    },
    { requiredKeys: ['traceId', 'target', 'method', 'path', 'start', 'inFlight', 'hops'] },
  );
  const target = fc.record({ name: fc.string(), upstream: fc.string(), proxy: fc.string() });
  const message: fc.Arbitrary<LiveMessage> = fc.oneof(
    fc.record({ type: fc.constant('hello' as const), serverTime: num, targets: fc.array(target, { maxLength: 3 }) }),
    fc.record({ type: fc.constant('trace' as const), trace }),
    fc.record({ type: fc.constant('dropped' as const), count: fc.nat() }),
  );

  it('parseLiveMessage and parseRecording never throw on any text or any JSON value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300, unit: 'binary' }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          parseLiveMessage(text);
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            value = text;
          }
          parseRecording(value);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => void parseRecording(value)),
      { numRuns: 1000 },
    );
  });

  it('a message the hub serializes parses back to itself; a recording too', () => {
    fc.assert(
      fc.property(message, (m) => void expect(parseLiveMessage(JSON.stringify(m))).toEqual(m)),
      { numRuns: 1000 },
    );
    const recording = fc.record({
      version: fc.constant(1 as const),
      title: fc.string(),
      targets: fc.array(target, { maxLength: 2 }),
      traces: fc.array(trace, { maxLength: 3 }),
      start: num,
      end: num,
    });
    fc.assert(
      fc.property(recording, (r) => void expect(parseRecording(JSON.parse(JSON.stringify(r)))).toEqual(r)),
      { numRuns: 500 },
    );
  });
});
