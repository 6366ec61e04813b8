import { blockLength } from './block-length';
import { quantile, seededRandom } from './statistics';

/** Resamples per interval: enough for the 2.5% and 97.5% points to be stable to about a percent. */
export const RESAMPLES = 2000;
/** Fixed, so the same run always gives the same interval. */
const SEED = 42;

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Overrides the data-driven block length (tests, and 1 = the ordinary bootstrap). */
  block?: number;
}

export interface Interval {
  estimate: number;
  /** 95% percentile interval. */
  low: number;
  high: number;
}

/**
 * Circular moving-block bootstrap (Künsch 1989; Politis & Romano 1992) of one
 * time-ordered series: each resample glues together blocks of consecutive
 * samples starting at random places (wrapping at the end), so runs of slow or
 * fast requests stay together and their correlation is kept. `onResample`
 * receives, for each resample, how many times each sample was drawn, counted
 * under `slotOf[sample]` (its rank, for quantiles).
 */
function resampleCounts(
  n: number,
  block: number,
  resamples: number,
  random: () => number,
  slotOf: Int32Array,
  onResample: (counts: Int32Array) => void,
): void {
  const counts = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let drawn = 0; drawn < n;) {
      let index = Math.floor(random() * n);
      for (let j = 0; j < block && drawn < n; j++, drawn++, index = index + 1 === n ? 0 : index + 1) counts[slotOf[index]!]!++;
    }
    onResample(counts);
  }
}

/**
 * The ratio B/A of several quantiles of two independent time-ordered samples,
 * each with a 95% interval from a block bootstrap of each sample (the two
 * runs are resampled independently, each with its own block length).
 */
export function quantileRatios(
  a: readonly number[],
  b: readonly number[],
  qs: readonly number[],
  options: BootstrapOptions = {},
): Interval[] {
  const estimates = qs.map((q) => safeRatio(quantileOf(b, q), quantileOf(a, q)));
  if (a.length < 2 || b.length < 2) return estimates.map((estimate) => ({ estimate, low: estimate, high: estimate }));
  const random = seededRandom(options.seed ?? SEED);
  const resamples = options.resamples ?? RESAMPLES;
  const fromA = resampledQuantiles(a, qs, options.block ?? blockLength(a), resamples, random);
  const fromB = resampledQuantiles(b, qs, options.block ?? blockLength(b), resamples, random);
  return qs.map((_, i) => {
    const ratios = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++) ratios[r] = safeRatio(fromB[r]![i]!, fromA[r]![i]!);
    return { estimate: estimates[i]!, ...percentileInterval(ratios) };
  });
}

/** One quantile's ratio B/A with its 95% interval (the shape compare used before intervals became block-bootstrapped). */
export function bootstrapRatio(
  a: readonly number[],
  b: readonly number[],
  q: number,
  resamples = RESAMPLES,
): { ratio: number; low: number; high: number } {
  const [interval] = quantileRatios(a, b, [q], { resamples });
  return { ratio: interval!.estimate, low: interval!.low, high: interval!.high };
}

/** mean(B) − mean(A) with a 95% block-bootstrap interval. */
export function meanDifference(a: readonly number[], b: readonly number[], options: BootstrapOptions = {}): Interval {
  const estimate = mean(b) - mean(a);
  if (a.length < 2 || b.length < 2) return { estimate, low: estimate, high: estimate };
  const random = seededRandom(options.seed ?? SEED);
  const resamples = options.resamples ?? RESAMPLES;
  const meansA = resampledMeans(a, options.block ?? blockLength(a), resamples, random);
  const meansB = resampledMeans(b, options.block ?? blockLength(b), resamples, random);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) differences[r] = meansB[r]! - meansA[r]!;
  return { estimate, ...percentileInterval(differences) };
}

/** Quantiles of each resample without sorting it: samples are ranked once, a resample is a count per rank. */
function resampledQuantiles(
  series: readonly number[],
  qs: readonly number[],
  block: number,
  resamples: number,
  random: () => number,
): number[][] {
  const n = series.length;
  const sorted = Float64Array.from(series).sort();
  const byValue = Array.from({ length: n }, (_, i) => i).sort((x, y) => series[x]! - series[y]!);
  const rankOf = new Int32Array(n);
  byValue.forEach((index, rank) => (rankOf[index] = rank));
  // The k-th smallest value is the q-quantile for k = ⌈q·n⌉ (as quantile() reads a sorted array); visited in increasing k.
  const wanted = qs.map((q, i) => ({ i, k: Math.max(1, Math.ceil(q * n)) })).sort((x, y) => x.k - y.k);
  const result: number[][] = [];
  resampleCounts(n, block, resamples, random, rankOf, (perRank) => {
    const values: number[] = new Array(qs.length);
    let seen = 0;
    let rank = 0;
    for (const { i, k } of wanted) {
      while (seen + perRank[rank]! < k) seen += perRank[rank++]!;
      values[i] = sorted[rank]!;
    }
    result.push(values);
  });
  return result;
}

/** Means of block resamples, a block's sum read off prefix sums (over the series twice, for blocks that wrap): O(n / block) each. */
function resampledMeans(series: readonly number[], block: number, resamples: number, random: () => number): Float64Array {
  const n = series.length;
  const prefix = new Float64Array(2 * n + 1);
  for (let i = 0; i < 2 * n; i++) prefix[i + 1] = prefix[i]! + series[i % n]!;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let drawn = 0; drawn < n; drawn += block) {
      const start = Math.floor(random() * n);
      sum += prefix[start + Math.min(block, n - drawn)]! - prefix[start]!;
    }
    means[r] = sum / n;
  }
  return means;
}

function percentileInterval(values: Float64Array): { low: number; high: number } {
  const sorted = values.sort();
  return { low: quantile(sorted, 0.025), high: quantile(sorted, 0.975) };
}

function quantileOf(values: readonly number[], q: number): number {
  return quantile(Float64Array.from(values).sort(), q);
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : 0;
}

function safeRatio(numerator: number, denominator: number): number {
  if (denominator === 0) return numerator === 0 ? 1 : Infinity;
  return numerator / denominator;
}
