import { describe, expect, it } from 'vitest';
import type { Hop } from '@hopscope/shared';
import { hopDuration } from './format';

const hop = (extra: Partial<Hop>): Hop => ({
  hop: 'queue',
  start: 0,
  duration: 2.4,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
  ...extra,
});

describe('hopDuration', () => {
  it('measured hops to the hundredth of a millisecond, derived ones say so', () => {
    expect(hopDuration(hop({}))).toBe('2.40 ms');
    expect(hopDuration(hop({ measured: false, source: 'synthesized' }))).toBe('2.40 ms (synthesized)');
  });

  it('a hop derived from whole-millisecond timestamps is marked ±1 ms, without false digits', () => {
    expect(hopDuration(hop({ measured: false, source: 'derived', imprecise: true }))).toBe('2 ms ±1 (derived)');
  });
});
