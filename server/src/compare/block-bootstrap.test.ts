import { describe, expect, it } from 'vitest';
import { RESAMPLES, bootstrapRatio, meanDifference, quantileRatios } from './block-bootstrap';
import { ar1, normals } from './test-series';

describe('block bootstrap intervals', () => {
  it('uses at least 1,000 resamples and gives the same interval every time (seeded)', () => {
    expect(RESAMPLES).toBeGreaterThanOrEqual(1_000);
    const a = ar1(2_000, 0.7, 11, 50, 5);
    const b = ar1(2_000, 0.7, 12, 52, 5);
    expect(quantileRatios(a, b, [0.5, 0.99])).toEqual(quantileRatios(a, b, [0.5, 0.99]));
    expect(meanDifference(a, b)).toEqual(meanDifference(a, b));
  });

  it('quantile ratios: the estimate is B/A and a clear 10% shift is told from noise', () => {
    const a = normals(5_000, 1, 100, 5);
    const b = normals(5_000, 2, 110, 5);
    const [p50, p90] = quantileRatios(a, b, [0.5, 0.9]);
    expect(p50!.estimate).toBeCloseTo(1.1, 1);
    expect(p50!.low).toBeGreaterThan(1.05);
    expect(p50!.high).toBeLessThan(1.15);
    expect(p90!.low).toBeLessThan(p90!.estimate);
    expect(p90!.high).toBeGreaterThan(p90!.estimate);
    const same = bootstrapRatio(a, normals(5_000, 3, 100, 5), 0.5);
    expect(same.low).toBeLessThanOrEqual(1);
    expect(same.high).toBeGreaterThanOrEqual(1);
  });

  it('quantiles of a resample are the quantiles of the values drawn (a constant series resamples to itself)', () => {
    // One block as long as the series: every resample is the series itself (rotated), so every quantile is exact.
    const a = Array.from({ length: 1_000 }, (_, i) => i + 1);
    const b = a.map((v) => v + 1_000);
    const [p50, p99] = quantileRatios(a, b, [0.5, 0.99], { block: 1_000 });
    expect(p50).toEqual({ estimate: 3, low: 3, high: 3 });
    expect(p99).toEqual({ estimate: 1990 / 990, low: 1990 / 990, high: 1990 / 990 });
  });

  it('correlated samples get wider intervals than the ordinary bootstrap would give them', () => {
    const a = ar1(3_000, 0.9, 21, 20, 4);
    const b = ar1(3_000, 0.9, 22, 20, 4);
    const block = meanDifference(a, b);
    const ordinary = meanDifference(a, b, { block: 1 });
    expect(block.high - block.low).toBeGreaterThan(2.5 * (ordinary.high - ordinary.low));
  });

  it('the interval of a mean difference is as wide as theory says for correlated samples (AR(1), not too narrow nor too wide)', () => {
    for (const phi of [0.5, 0.8]) {
      const a = ar1(5_000, phi, 10);
      const b = ar1(5_000, phi, 11);
      const interval = meanDifference(a, b);
      // Long-run variance of AR(1) with unit variance: (1 + φ) / (1 − φ); two independent means.
      const standardError = Math.sqrt((2 * (1 + phi)) / ((1 - phi) * 5_000));
      const width = (interval.high - interval.low) / (2 * 1.96 * standardError);
      expect(width).toBeGreaterThan(0.75);
      expect(width).toBeLessThan(1.25);
    }
  });

  it('keeps its promise on correlated runs with equal means: the 95% interval excludes 0 rarely (the ordinary bootstrap, often)', () => {
    let blockMisses = 0;
    let ordinaryMisses = 0;
    const pairs = 40;
    for (let seed = 0; seed < pairs; seed++) {
      const a = ar1(600, 0.85, 1_000 + 2 * seed, 30, 3);
      const b = ar1(600, 0.85, 1_001 + 2 * seed, 30, 3);
      const miss = (i: { low: number; high: number }) => i.low > 0 || i.high < 0;
      if (miss(meanDifference(a, b, { resamples: 1_000 }))) blockMisses++;
      if (miss(meanDifference(a, b, { resamples: 1_000, block: 1 }))) ordinaryMisses++;
    }
    expect(blockMisses / pairs).toBeLessThanOrEqual(0.2);
    expect(ordinaryMisses / pairs).toBeGreaterThanOrEqual(0.35);
  });
});
