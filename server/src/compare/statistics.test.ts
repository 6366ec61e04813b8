import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '@hopscope/shared';
import { hopStatistics } from './analysis';
import { percentiles, quantile, Reservoir, seededRandom } from './statistics';

describe('quantile (nearest rank) and percentiles', () => {
  it('picks the ceil(q·n)-th smallest value', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([0, 0.1, 0.11, 0.5, 0.9, 0.95, 1].map((q) => quantile(sorted, q))).toEqual([1, 1, 2, 5, 9, 10, 10]);
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([4], 0.99)).toBe(4);
  });

  it('sorts numerically (not as text) and reports count, max and mean', () => {
    expect(percentiles([100, 9, 20, 3])).toEqual({ count: 4, p50: 9, p90: 100, p95: 100, p99: 100, p999: 100, max: 100, mean: 33 });
    expect(percentiles([])).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    const thousand = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentiles(thousand)).toMatchObject({ p50: 500, p90: 900, p95: 950, p99: 990, p999: 999, max: 1000, mean: 500.5 });
  });
});

describe('seededRandom (mulberry32)', () => {
  it('is reproducible, differs by seed, and stays in [0, 1) with a uniform spread', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(seededRandom(8)()).not.toBe(first[0]);
    // The reference mulberry32 (Tommy Ettinger's, as commonly published) for seed 1.
    const one = seededRandom(1);
    expect([one(), one(), one()].map((x) => x.toFixed(10))).toEqual(['0.6270739406', '0.0027357212', '0.5274470400']);
    const random = seededRandom(42);
    const draws = Array.from({ length: 10_000 }, () => random());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const deciles = new Array(10).fill(0) as number[];
    for (const x of draws) deciles[Math.floor(x * 10)]!++;
    for (const count of deciles) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('Reservoir (algorithm R)', () => {
  it('keeps everything up to capacity, then exactly capacity values, each a value it was given', () => {
    const reservoir = new Reservoir(3, seededRandom(1));
    [10, 20, 30].forEach((v) => reservoir.add(v));
    expect(reservoir.values).toEqual([10, 20, 30]);
    for (let v = 40; v <= 200; v += 10) reservoir.add(v);
    expect(reservoir.values).toHaveLength(3);
    expect(reservoir.values.every((v) => v % 10 === 0 && v >= 10 && v <= 200)).toBe(true);
  });

  it('replaces a kept value with probability capacity/seen', () => {
    // With a random source that always says 0.99, the slot is ⌊0.99·seen⌋ ≥ capacity: nothing is replaced.
    const never = new Reservoir(2, () => 0.99);
    [1, 2, 3, 4, 5].forEach((v) => never.add(v));
    expect(never.values).toEqual([1, 2]);
    // With 0, slot 0 is always replaced: the newest value takes it, and reads back last (arrival order).
    const always = new Reservoir(2, () => 0);
    [1, 2, 3, 4, 5].forEach((v) => always.add(v));
    expect(always.values).toEqual([2, 5]);
    // Slot = ⌊r·seen⌋: 0.5 at the third value is slot 1, which is kept (1 < capacity 2).
    const half = new Reservoir(2, () => 0.5);
    [1, 2, 3].forEach((v) => half.add(v));
    expect(half.values).toEqual([1, 3]);
  });
});

const hop = (name: Hop['hop'], duration: number): Hop => ({
  hop: name,
  start: 0,
  duration,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
});
const trace = (worker: string | undefined, hops: Hop[]): Trace => ({
  traceId: 't',
  target: 'dev',
  method: 'GET',
  path: '/slow',
  start: 0,
  duration: 1,
  inFlight: false,
  hops,
  ...(worker ? { worker } : {}),
});

describe('hopStatistics', () => {
  it('per-hop percentiles, the queue share of the upstream time, and per-worker requests and gateway time', () => {
    const stats = hopStatistics([
      trace('1', [hop('server', 100), hop('queue', 60), hop('gateway', 40)]),
      trace('1', [hop('server', 300), hop('queue', 240), hop('gateway', 50)]),
      trace('2', [hop('server', 100), hop('queue', 0)]),
      trace(undefined, [hop('proxy', 5)]),
    ]);
    expect(stats.tracedRequests).toBe(4);
    expect(stats.queueShare).toBe(300 / 500);
    expect(stats.hops.server).toEqual(percentiles([100, 300, 100]));
    expect(stats.hops.gateway).toEqual(percentiles([40, 50]));
    expect(stats.hops.proxy).toEqual(percentiles([5]));
    expect(stats.workers).toEqual({ '1': { requests: 2, busyMs: 90 }, '2': { requests: 1, busyMs: 0 } });
  });

  it('without traces or without a server hop: no share, nothing per hop', () => {
    expect(hopStatistics([])).toEqual({ hops: {}, queueShare: 0, workers: {}, tracedRequests: 0 });
    expect(hopStatistics([trace(undefined, [hop('queue', 10)])]).queueShare).toBe(0);
  });
});
