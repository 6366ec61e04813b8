import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from './model';
import { APP_HOPS, HOPS, hopOrder, isHopName } from './hops';
import { percentilesOf } from './percentiles';
import { isFailedTrace, TargetWindow } from './window-stats';
import { compareSpecSchema, parseDuration, parseWeightedPath } from './compare';

const hop = (name: Hop['hop'], duration: number): Hop => ({
  hop: name,
  start: 0,
  duration,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
});
const trace = (overrides: Partial<Trace>): Trace => ({
  traceId: 't',
  target: 'app',
  method: 'GET',
  path: '/',
  start: 0,
  duration: 10,
  inFlight: false,
  hops: [],
  ...overrides,
});

describe('hops', () => {
  it('names the stations in journey order and knows which are inside the app', () => {
    expect(HOPS).toEqual(['client', 'proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
    expect(APP_HOPS).toEqual(['gateway', 'route', 'view', 'response']);
    expect(HOPS.map(hopOrder)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(isHopName('view')).toBe(true);
    expect(isHopName('View')).toBe(false);
    expect(isHopName(3)).toBe(false);
  });
});

describe('percentilesOf (nearest rank)', () => {
  it('reads p50…max and the mean from the sorted samples', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1000 … 1, unsorted
    expect(percentilesOf(samples)).toEqual({ count: 1000, p50: 500, p90: 900, p95: 950, p99: 990, p999: 999, max: 1000, mean: 500.5 });
  });

  it('is all zeros without samples, and the value itself for one', () => {
    expect(percentilesOf([])).toEqual({ count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(percentilesOf([7])).toEqual({ count: 1, p50: 7, p90: 7, p95: 7, p99: 7, p999: 7, max: 7, mean: 7 });
    expect(percentilesOf([10, 2])).toMatchObject({ p50: 2, max: 10, mean: 6 });
  });
});

describe('isFailedTrace', () => {
  it('is an error type or a 5xx, not a 4xx', () => {
    expect(isFailedTrace(trace({ status: 500 }))).toBe(true);
    expect(isFailedTrace(trace({ status: 499 }))).toBe(false);
    expect(isFailedTrace(trace({ status: 200, error: 'upstream_reset_before_response' }))).toBe(true);
    expect(isFailedTrace(trace({}))).toBe(false);
  });
});

describe('TargetWindow', () => {
  it('folds finished traces into rate, error rate, latency, per-hop and per-worker counters', () => {
    const window = new TargetWindow('app', 2_000);
    window.addFinished(trace({ duration: 10, status: 200, worker: '1', hops: [hop('proxy', 10), hop('gateway', 6)] }));
    window.addFinished(trace({ duration: 30, status: 503, worker: '1', hops: [hop('proxy', 30), hop('gateway', 20)] }));
    window.addFinished(trace({ duration: undefined, status: 200, worker: '2', hops: [hop('proxy', 5)] }));
    window.addFinished(trace({ duration: 20, status: 200 }));
    window.addRunning(true);
    window.addRunning(false);
    const result = window.result({ requests: 40, errors: 3 });
    expect(result).toMatchObject({ target: 'app', requests: 40, errors: 3, rps: 2, errorRate: 0.25, inFlight: 2, queueDepth: 1 });
    expect(result.latency).toEqual(percentilesOf([10, 30, 0, 20]));
    expect(result.hops).toEqual({ proxy: percentilesOf([10, 30, 5]), gateway: percentilesOf([6, 20]) });
    expect(result.workers).toEqual({ '1': { requests: 2, busyMs: 26 }, '2': { requests: 1, busyMs: 0 } });
  });

  it('with nothing finished: no rate, no error rate', () => {
    expect(new TargetWindow('idle', 1_000).result({ requests: 0, errors: 0 })).toMatchObject({ rps: 0, errorRate: 0, inFlight: 0 });
  });
});

describe('compare spec and flags', () => {
  it('fills the defaults, and refuses what is out of range or unknown', () => {
    expect(compareSpecSchema.parse({ targets: ['a', 'b'] })).toEqual({
      targets: ['a', 'b'],
      paths: [{ path: '/', weight: 1 }],
      method: 'GET',
      headers: {},
      concurrency: 8,
      durationMs: 10_000,
      warmupMs: 1_000,
    });
    const refused = [
      { targets: ['a'] },
      { targets: ['a', ''] },
      { targets: Array.from({ length: 9 }, (_, i) => `t${i}`) },
      { targets: ['a', 'b'], paths: [] },
      { targets: ['a', 'b'], paths: [{ path: 'x' }] },
      { targets: ['a', 'b'], paths: [{ path: '/', weight: 0 }] },
      { targets: ['a', 'b'], method: 'get' },
      { targets: ['a', 'b'], concurrency: 0 },
      { targets: ['a', 'b'], concurrency: 1025 },
      { targets: ['a', 'b'], concurrency: 1.5 },
      { targets: ['a', 'b'], rate: 0 },
      { targets: ['a', 'b'], rate: 100_001 },
      { targets: ['a', 'b'], durationMs: 99 },
      { targets: ['a', 'b'], durationMs: 600_001 },
      { targets: ['a', 'b'], requests: 0 },
      { targets: ['a', 'b'], requests: 10_000_001 },
      { targets: ['a', 'b'], warmupMs: -1 },
      { targets: ['a', 'b'], warmupMs: 60_001 },
      { targets: ['a', 'b'], extra: true },
    ];
    for (const spec of refused) expect(compareSpecSchema.safeParse(spec).success, JSON.stringify(spec)).toBe(false);
    const edges = {
      targets: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      concurrency: 1024,
      rate: 100_000,
      durationMs: 100,
      requests: 1,
      warmupMs: 0,
    };
    expect(compareSpecSchema.safeParse(edges).success).toBe(true);
    expect(compareSpecSchema.parse({ targets: ['a', 'b'], paths: [{ path: '/x' }], method: 'POST', body: '{}' })).toMatchObject({
      paths: [{ path: '/x', weight: 1 }],
      method: 'POST',
      body: '{}',
    });
  });

  it('reads durations in ms, s (the default unit) and m', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration(' 1.5m ')).toBe(90_000);
    expect(parseDuration('3')).toBe(3_000);
    expect(parseDuration('0.0004')).toBe(0);
    for (const bad of ['', 's', '1h', '-1s', '1.5.2s', 'x20s', '20sx']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('reads a weight after the last colon of a path, and only a numeric one', () => {
    expect(parseWeightedPath('/cpu?ms=20:3')).toEqual({ path: '/cpu?ms=20', weight: 3 });
    expect(parseWeightedPath('/a:b:2.5')).toEqual({ path: '/a:b', weight: 2.5 });
    expect(parseWeightedPath('/items/7')).toEqual({ path: '/items/7', weight: 1 });
    expect(parseWeightedPath('/t:x')).toEqual({ path: '/t:x', weight: 1 });
    expect(parseWeightedPath('x:3')).toEqual({ path: 'x:3', weight: 1 });
    expect(parseWeightedPath('/:3')).toEqual({ path: '/', weight: 3 });
  });
});
