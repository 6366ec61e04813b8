import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTraceparent, formatTraceparent } from './traceparent';
import { parseServerTiming, formatServerTiming } from './server-timing';
import { parseRequestStart, formatRequestStart } from './request-start';
import { redactQuery } from './redact';
import { parseLiveMessage } from './wire';

describe('traceparent', () => {
  it('reads a valid header, case-insensitively', () => {
    expect(parseTraceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      sampled: true,
    });
  });
  it('refuses all-zero ids, version ff and malformed input', () => {
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });
  it('round-trips what it formats', () => {
    const header = formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
    expect(parseTraceparent(header)?.parentSpanId).toBe('00f067aa0ba902b7');
  });
});

describe('Server-Timing', () => {
  it('reads names, durations and quoted descriptions', () => {
    expect(parseServerTiming('gateway;dur=12.5, view;dur=3;desc="a, \\"b\\"", cache')).toEqual([
      { name: 'gateway', duration: 12.5 },
      { name: 'view', duration: 3, description: 'a, "b"' },
      { name: 'cache' },
    ]);
  });
  it('skips unreadable entries and bad durations', () => {
    expect(parseServerTiming('bad name;dur=1, ok;dur=-3, x;dur=abc')).toEqual([{ name: 'ok' }, { name: 'x' }]);
  });
  it('formats what it parses', () => {
    const entries = [
      { name: 'proxy', duration: 1.234 },
      { name: 'app', description: 'q"' },
    ];
    expect(parseServerTiming(formatServerTiming(entries))).toEqual([
      { name: 'proxy', duration: 1.23 },
      { name: 'app', description: 'q"' },
    ]);
  });
});

describe('X-Request-Start', () => {
  const ms = 1_764_000_000_123;
  it('reads t=<microseconds> and other magnitudes', () => {
    expect(parseRequestStart(formatRequestStart(ms))).toBeCloseTo(ms, 3);
    expect(parseRequestStart(String(ms))).toBe(ms);
    expect(parseRequestStart('t=1764000000.123')).toBeCloseTo(ms, 3);
  });
  it('refuses nonsense', () => {
    expect(parseRequestStart('t=abc')).toBeUndefined();
    expect(parseRequestStart('t=12')).toBeUndefined();
    expect(parseRequestStart(42)).toBeUndefined();
  });
});

describe('redactQuery', () => {
  it('hides credential-like values and keeps the rest', () => {
    expect(redactQuery('id=7&api_key=abc&Token=x&q=hello')).toBe('id=7&api_key=[redacted]&Token=[redacted]&q=hello');
  });
});

describe('parsers never throw on arbitrary input', () => {
  it('holds for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        parseTraceparent(text);
        parseServerTiming(text);
        parseRequestStart(text);
        redactQuery(text);
        parseLiveMessage(text);
      }),
      { numRuns: 2000 },
    );
  });
});
