import { describe, expect, it } from 'vitest';
import { blockLength } from './block-length';
import { ar1, normals } from './test-series';

describe('blockLength (Politis & White)', () => {
  it('independent samples need no blocks', () => {
    expect(blockLength(normals(5_000, 1))).toBeLessThanOrEqual(2);
    expect(blockLength(Array(1_000).fill(3))).toBe(1);
  });

  it('grows with the correlation between neighbours', () => {
    const weak = blockLength(ar1(5_000, 0.5, 2));
    const strong = blockLength(ar1(5_000, 0.95, 2));
    expect(weak).toBeGreaterThan(2);
    expect(strong).toBeGreaterThan(2 * weak);
  });

  it('never exceeds min(3√n, n/3)', () => {
    expect(blockLength(ar1(10_000, 0.9999, 3))).toBeLessThanOrEqual(300);
    expect(blockLength(ar1(30, 0.9999, 3))).toBeLessThanOrEqual(10);
  });
});
