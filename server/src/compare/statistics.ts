import type { Percentiles } from '@hopscope/shared';

/** A uniform random sample of at most `capacity` values (Vitter's algorithm R). */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  add(value: number): void {
    this.seen++;
    if (this.values.length < this.capacity) this.values.push(value);
    else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.capacity) this.values[slot] = value;
    }
  }
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1]! : 0,
    mean: sorted.length ? sum / sorted.length : 0,
  };
}

/** A deterministic PRNG (mulberry32), so resampling and path mixes are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The ratio B/A of a quantile of two samples with a 95% percentile-bootstrap
 * confidence interval (bounded resamples, seeded).
 */
export function bootstrapRatio(
  a: readonly number[],
  b: readonly number[],
  q: number,
  resamples = 300,
): { ratio: number; low: number; high: number } {
  const sortedA = Float64Array.from(a).sort();
  const sortedB = Float64Array.from(b).sort();
  const ratio = safeRatio(quantile(sortedB, q), quantile(sortedA, q));
  if (a.length < 2 || b.length < 2) return { ratio, low: ratio, high: ratio };
  const random = seededRandom(42);
  const ratios: number[] = [];
  const bufferA = new Float64Array(a.length);
  const bufferB = new Float64Array(b.length);
  for (let i = 0; i < resamples; i++) {
    for (let j = 0; j < a.length; j++) bufferA[j] = a[Math.floor(random() * a.length)]!;
    for (let j = 0; j < b.length; j++) bufferB[j] = b[Math.floor(random() * b.length)]!;
    bufferA.sort();
    bufferB.sort();
    ratios.push(safeRatio(quantile(bufferB, q), quantile(bufferA, q)));
  }
  ratios.sort((x, y) => x - y);
  return { ratio, low: quantile(ratios, 0.025), high: quantile(ratios, 0.975) };
}

function safeRatio(numerator: number, denominator: number): number {
  if (denominator === 0) return numerator === 0 ? 1 : Infinity;
  return numerator / denominator;
}
