import { describe, expect, it } from 'vitest';
import type { AttrValue, SpanRecord } from '@hopscope/shared';
import { capSpan, walkCaps, type SpanCaps } from './cap-span';

/** Caps small enough that random spans land on every edge: at, under and over each bound. */
const SMALL: SpanCaps = { maxStringChars: 8, maxSpanChars: 40, maxAttributes: 3, maxEvents: 2, maxEventAttributes: 2, maxArrayItems: 2 };

/** A deterministic generator (an LCG), so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor((state / 2 ** 31) * n);
  };
}

function spanOf(pick: (n: number) => number): SpanRecord {
  const text = () => 'abcdefghijklmnop'.slice(0, pick(12));
  const value = (): AttrValue => [text, () => pick(100), () => [text(), text(), text()].slice(0, pick(4))][pick(3)]!();
  const attributes = () => Object.fromEntries(Array.from({ length: pick(5) }, (_, i) => [`k${i}${text().slice(0, pick(3))}`, value()]));
  const span: SpanRecord = {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: text(),
    kind: 'internal',
    startMs: 1,
    endMs: 2,
    attributes: attributes(),
    resource: pick(2) ? {} : { 'service.name': text() },
    status: pick(2) ? { code: 'error', message: text() } : { code: 'unset' },
    events: Array.from({ length: pick(4) }, () => ({ name: text(), timeMs: 1, attributes: attributes() })),
  };
  return span;
}

describe('capSpan', () => {
  it('cuts exactly as the full walk does, on random spans at and around every cap', () => {
    const pick = random(7);
    let cut = 0;
    for (let i = 0; i < 5_000; i++) {
      const span = spanOf(pick);
      const copy = structuredClone(span);
      const fast = capSpan(span, SMALL);
      expect({ cut: fast, span }).toEqual({ cut: walkCaps(copy, SMALL), span: copy });
      if (fast) cut++;
    }
    // Both kinds were seen: spans taken as they came and spans cut.
    expect(cut).toBeGreaterThan(500);
    expect(cut).toBeLessThan(4_500);
  });

  it('takes a span exactly at its total through the walk: a following attribute with an empty key is dropped', () => {
    const span = spanOf(() => 0);
    span.name = '12345678';
    // 8 + 9 + 9 + 9 + 5 = 40 characters, the whole total.
    span.attributes = { a: '12345678', b: '12345678', c: '12345678', d: '1234', '': 1 };
    expect(capSpan(span, { ...SMALL, maxAttributes: 10 })).toBe(true);
    expect(Object.keys(span.attributes)).toEqual(['a', 'b', 'c', 'd']);
  });
});
