import type { HistogramBucket } from '@hopscope/shared';

/** Latency samples as a log-spaced histogram (share of requests per bucket), for overlaying two targets on one axis. */
const BUCKETS_PER_DECADE = 10;
const FLOOR_MS = 0.1;

export function latencyHistogram(samples: readonly number[]): HistogramBucket[] {
  if (samples.length === 0) return [];
  const index = (ms: number) => Math.max(0, Math.ceil(Math.log10(Math.max(ms, FLOOR_MS) / FLOOR_MS) * BUCKETS_PER_DECADE));
  const counts = new Map<number, number>();
  let top = 0;
  for (const ms of samples) {
    const i = index(ms);
    counts.set(i, (counts.get(i) ?? 0) + 1);
    top = Math.max(top, i);
  }
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i <= top; i++)
    buckets.push({ le: FLOOR_MS * 10 ** (i / BUCKETS_PER_DECADE), share: (counts.get(i) ?? 0) / samples.length });
  return buckets.filter((b, i) => b.share > 0 || (buckets[i - 1]?.share ?? 0) > 0 || (buckets[i + 1]?.share ?? 0) > 0);
}
