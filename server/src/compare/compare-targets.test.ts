import { describe, expect, it } from 'vitest';
import type { TargetResult } from '@hopscope/shared';
import { compareTargets } from './analysis';
import { percentiles } from './statistics';
import { normals } from './test-series';

function result(target: string, samples: number[], requests = samples.length): TargetResult {
  return {
    target,
    url: `http://127.0.0.1:1/${target}`,
    model: 'closed',
    measuredFrom: 0,
    measuredTo: 10_000,
    requests,
    throughput: requests / 10,
    latency: { ...percentiles(samples), count: requests },
    errors: {},
    samples,
    hops: {},
    queueShare: 0,
    workers: {},
    tracedRequests: 0,
  };
}

describe('compareTargets', () => {
  it('says p99.9 and max are not compared below 10,000 requests, and how many there were', () => {
    const comparison = compareTargets(result('a', normals(3_000, 1, 50, 5)), result('b', normals(4_000, 2, 60, 5)));
    expect(comparison.sentence).toMatch(/^b is 1\.\d+× slower than a at p50 \(95% CI [\d.]+–[\d.]+×\)/);
    expect(comparison.sentence).toContain('p99.9 and max not compared: 3,000 and 4,000 requests, each needs ≥ 10,000.');
  });

  it('compares p99.9 with its interval once both runs have 10,000 requests', () => {
    const comparison = compareTargets(result('a', normals(10_000, 1, 50, 5)), result('b', normals(12_000, 2, 50, 5)));
    expect(comparison.withinNoise).toBe(true);
    expect(comparison.sentence).toMatch(/; p99\.9 ratio [\d.]+ \(95% CI [\d.]+–[\d.]+\)\.$/);
  });

  it('names no hop without per-hop series, and none when within noise', () => {
    const a = result('a', normals(2_000, 1, 50, 5));
    expect(compareTargets(a, result('b', normals(2_000, 2, 80, 5))).differenceHop).toBeUndefined();
    const same = compareTargets(a, result('b', normals(2_000, 3, 50, 5)), {
      a: { proxy: normals(2_000, 4, 50, 5), queue: normals(2_000, 5, 1, 0.1) },
      b: { proxy: normals(2_000, 6, 50, 5), queue: normals(2_000, 7, 5, 0.1) },
    });
    expect(same.withinNoise).toBe(true);
    expect(same.differenceHop).toBeUndefined();
    expect(same.sentence).not.toContain('difference is in');
    // Even when the traces' means differ: a difference within noise at p50 is not placed in a hop.
    const placed = compareTargets(a, result('b', normals(2_000, 3, 50, 5)), {
      a: { proxy: normals(2_000, 4, 50, 5), queue: normals(2_000, 5, 1, 0.1) },
      b: { proxy: normals(2_000, 6, 60, 5), queue: normals(2_000, 7, 11, 0.1) },
    });
    expect(placed.withinNoise).toBe(true);
    expect(placed.differenceHop).toBeUndefined();
  });

  it('names the hop, with its share of the difference, when it explains it', () => {
    const comparison = compareTargets(result('dev', normals(2_000, 1, 80, 5)), result('workers', normals(2_000, 2, 50, 5)), {
      a: { proxy: normals(2_000, 3, 80, 5), queue: normals(2_000, 4, 31, 2), gateway: normals(2_000, 5, 48, 4) },
      b: { proxy: normals(2_000, 6, 50, 5), queue: normals(2_000, 7, 1, 0.2), gateway: normals(2_000, 8, 48, 4) },
    });
    expect(comparison.differenceHop).toBe('queue');
    expect(comparison.sentence).toMatch(
      /^workers is 1\.\d+× faster than dev at p50 \(95% CI .+×\); the difference is in the queue hop \(−30\.\d ms of −30\.\d ms mean, 95% CI −\d+\.?\d* ms to −\d+\.?\d* ms\)/,
    );
  });
});
