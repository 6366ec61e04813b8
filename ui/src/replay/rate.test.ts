import { describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { rateBuckets } from './rate';

const trace = (start: number, status = 200): Trace => ({
  traceId: `${start}-${status}`,
  target: 'dev',
  method: 'GET',
  path: '/',
  start,
  duration: 1,
  status,
  inFlight: false,
  hops: [],
});

describe('the replay sparkline', () => {
  it('counts requests and failures per bucket over the whole recording', () => {
    const buckets = rateBuckets([trace(1000), trace(1001), trace(1002, 500), trace(1999), trace(2000)], 1000, 2000, 4);
    expect(buckets.map((b) => b.requests)).toEqual([3, 0, 0, 2]);
    expect(buckets.map((b) => b.failed)).toEqual([1, 0, 0, 0]);
    expect(buckets.map((b) => b.from)).toEqual([0, 250, 500, 750]);
  });
});
