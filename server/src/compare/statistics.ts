import type { Percentiles } from '@hopscope/shared';

/**
 * A uniform random sample of at most `capacity` values (Vitter's algorithm R),
 * read back in arrival order: the block bootstrap needs neighbours in time to
 * stay neighbours.
 */
export class Reservoir {
  private readonly kept: number[] = [];
  private readonly arrival: number[] = [];
  private seen = 0;

  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  add(value: number): void {
    this.seen++;
    if (this.kept.length < this.capacity) {
      this.kept.push(value);
      this.arrival.push(this.seen);
    } else {
      const slot = Math.floor(this.random() * this.seen);
      if (slot < this.capacity) {
        this.kept[slot] = value;
        this.arrival[slot] = this.seen;
      }
    }
  }

  /** The sample, oldest first. */
  get values(): number[] {
    if (this.seen <= this.capacity) return [...this.kept];
    const order = this.kept.map((_, i) => i).sort((x, y) => this.arrival[x]! - this.arrival[y]!);
    return order.map((i) => this.kept[i]!);
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

/** The rule for reporting p99.9 and max lives with the compare shapes, for the hub, the CLI and the dashboard alike. */
export { MIN_SAMPLES, enoughSamples } from '@hopscope/shared';
