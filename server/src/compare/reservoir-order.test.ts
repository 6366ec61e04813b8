import { describe, expect, it } from 'vitest';
import { Reservoir, enoughSamples, seededRandom } from './statistics';

describe('Reservoir', () => {
  it('keeps a uniform sample and reads it back in arrival order (what the block bootstrap needs)', () => {
    const reservoir = new Reservoir(1_000, seededRandom(7));
    for (let i = 1; i <= 100_000; i++) reservoir.add(i);
    const values = reservoir.values;
    expect(values).toHaveLength(1_000);
    expect(values.every((v, i) => i === 0 || v > values[i - 1]!)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(45_000);
    expect(mean).toBeLessThan(55_000);
  });

  it('below capacity, keeps everything in order', () => {
    const reservoir = new Reservoir(10);
    [5, 3, 9].forEach((v) => reservoir.add(v));
    expect(reservoir.values).toEqual([5, 3, 9]);
  });
});

describe('enoughSamples', () => {
  it('p99.9 and max need 10,000 samples', () => {
    expect(enoughSamples('p999', 9_999)).toBe(false);
    expect(enoughSamples('p999', 10_000)).toBe(true);
    expect(enoughSamples('max', 9_999)).toBe(false);
  });
});
