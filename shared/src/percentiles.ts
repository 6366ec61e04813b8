import type { Percentiles } from './stats';

/** Exact percentiles (nearest rank) of a window's samples, in ms. */
export function percentilesOf(samples: number[]): Percentiles {
  if (samples.length === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}
