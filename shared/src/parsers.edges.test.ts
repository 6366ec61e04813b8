import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from './traceparent';
import { formatServerTiming, parseServerTiming } from './server-timing';
import { parseRequestStart } from './request-start';
import { REDACTED, redactQuery, SECRET_HEADERS } from './redact';
import { EVENT_EXCEPTION } from './semconv';

/** The edges of the header parsers: lengths, bounds, quoting and spelling that the happy paths do not reach. */
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('traceparent edges', () => {
  it('trims, reads the sampled bit of any flags, and formats sampled by default', () => {
    expect(parseTraceparent(`  00-${TRACE}-${SPAN}-01  `)).toEqual({ traceId: TRACE, parentSpanId: SPAN, sampled: true });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-03`)?.sampled).toBe(true);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-02`)?.sampled).toBe(false);
    expect(formatTraceparent(TRACE, SPAN)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(formatTraceparent(TRACE, SPAN, false)).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it('accepts trailing fields only from a future version, and refuses bad lengths and prefixes', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-future`)).toEqual({ traceId: TRACE, parentSpanId: SPAN, sampled: true });
    expect(parseTraceparent(`x00-${TRACE}-${SPAN}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01x`)).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE}0-${SPAN}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE}-${SPAN}0-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(31)}1-${SPAN}-01`)?.traceId).toBe(`${'0'.repeat(31)}1`);
    // 512 characters at most: a longer header is refused before any parsing.
    const future = `01-${TRACE}-${SPAN}-01-`;
    expect(parseTraceparent(future + 'x'.repeat(512 - future.length))).toBeDefined();
    expect(parseTraceparent(future + 'x'.repeat(513 - future.length))).toBeUndefined();
  });
});

describe('Server-Timing edges', () => {
  it('reads repeated headers given as an array, but nothing from an array with a non-string', () => {
    expect(parseServerTiming(['a;dur=1', 'b;dur=2'])).toEqual([
      { name: 'a', duration: 1 },
      { name: 'b', duration: 2 },
    ]);
    expect(parseServerTiming(['a;dur=1', 5])).toEqual([]);
    expect(parseServerTiming(42)).toEqual([]);
  });

  it('bounds the header to 8 KiB and the entries to 64', () => {
    const entry = 'a;dur=1,';
    expect(parseServerTiming(entry.repeat(1024).slice(0, 8192))).toHaveLength(64);
    expect(parseServerTiming(`${' '.repeat(8192 - 3)}a;x`)).toEqual([{ name: 'a' }]);
    expect(parseServerTiming(`${' '.repeat(8192 - 2)}a;x`)).toEqual([]);
    expect(parseServerTiming(Array.from({ length: 63 }, (_, i) => `e${i}`).join(','))).toHaveLength(63);
  });

  it('reads parameters case-insensitively, the first dur and desc only, and ignores those without a value', () => {
    expect(parseServerTiming('db; DUR = 2.5 ; Desc = "q" ; dur=9 ; desc=other ; flag ; =3')).toEqual([
      { name: 'db', duration: 2.5, description: 'q' },
    ]);
    expect(parseServerTiming('a;dur=;desc=x')).toEqual([{ name: 'a', description: 'x' }]);
    expect(parseServerTiming('a;dur=0')).toEqual([{ name: 'a', duration: 0 }]);
    expect(parseServerTiming('a;dur=Infinity')).toEqual([{ name: 'a' }]);
    expect(parseServerTiming('a;desc=')).toEqual([{ name: 'a', description: '' }]);
    expect(parseServerTiming(';dur=1, ,b')).toEqual([{ name: 'b' }]);
  });

  it('unquotes only a fully quoted value, with backslash escapes, and keeps separators inside quotes', () => {
    expect(parseServerTiming('a;desc="x;y,z"')).toEqual([{ name: 'a', description: 'x;y,z' }]);
    expect(parseServerTiming('a;desc="say \\"hi\\", \\\\ ok"')).toEqual([{ name: 'a', description: 'say "hi", \\ ok' }]);
    expect(parseServerTiming('a;desc="')).toEqual([{ name: 'a', description: '"' }]);
    expect(parseServerTiming('a;desc=x"')).toEqual([{ name: 'a', description: 'x"' }]);
    expect(parseServerTiming('a;desc="x')).toEqual([{ name: 'a', description: '"x' }]);
    // A trailing backslash inside quotes is kept as it is.
    expect(parseServerTiming('a;desc="x\\')).toEqual([{ name: 'a', description: '"x\\' }]);
  });

  it('formats durations to 0.01 ms and escapes quotes and backslashes in descriptions', () => {
    expect(formatServerTiming([{ name: 'a', duration: 1.005 }, { name: 'b' }, { name: 'c', description: 'x"\\y' }])).toBe(
      'a;dur=1, b, c;desc="x\\"\\\\y"',
    );
  });
});

describe('X-Request-Start edges', () => {
  const ms = 1_764_000_000_123;
  it('reads each magnitude (s, ms, µs, ns) as the same instant, with or without t=, after trimming', () => {
    expect(parseRequestStart(` t=${ms * 1000} `)).toBe(ms);
    expect(parseRequestStart(`${ms * 1_000_000}`)).toBe(ms);
    expect(parseRequestStart('1764000000')).toBe(1_764_000_000_000);
  });

  it('keeps to instants from 2001 to ten times that, and refuses zero, signs, exponents and long input', () => {
    expect(parseRequestStart(String(978_307_200))).toBe(978_307_200_000);
    expect(parseRequestStart(String(978_307_199))).toBeUndefined();
    expect(parseRequestStart(String(9_783_071_999))).toBe(9_783_071_999_000);
    expect(parseRequestStart('9783072000000')).toBeUndefined();
    for (const bad of ['0', 't=0', '-1764000000', '1e12', '1764000000.', 'x1764000000', '1764000000x', 'tt=1764000000']) {
      expect(parseRequestStart(bad), bad).toBeUndefined();
    }
    const padded = `${' '.repeat(64 - 10)}1764000000`;
    expect(parseRequestStart(padded)).toBe(1_764_000_000_000);
    expect(parseRequestStart(` ${padded}`)).toBeUndefined();
  });
});

describe('redaction edges', () => {
  it('names the credential headers never captured', () => {
    expect(SECRET_HEADERS).toEqual(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
    expect(EVENT_EXCEPTION).toBe('exception');
  });

  it('redacts by decoded name, leaves value-less and empty pairs alone, and keeps the order', () => {
    expect(redactQuery('')).toBe('');
    expect(redactQuery('token')).toBe('token');
    expect(redactQuery('=token')).toBe('=token');
    expect(redactQuery('a=1&&session=s&x')).toBe(`a=1&&session=${REDACTED}&x`);
    expect(redactQuery('my+secret=1&pass%77ord=2&%E0&api%5Fkey=3')).toBe(
      `my+secret=${REDACTED}&pass%77ord=${REDACTED}&%E0&api%5Fkey=${REDACTED}`,
    );
    // One malformed escape does not hide the others in the same name.
    expect(redactQuery('pass%77ord%E0=1')).toBe(`pass%77ord%E0=${REDACTED}`);
    expect(redactQuery('p%61ssword%ZZ=1&plain=2')).toBe(`p%61ssword%ZZ=${REDACTED}&plain=2`);
    expect(redactQuery('color=red&size=2')).toBe('color=red&size=2');
  });
});
