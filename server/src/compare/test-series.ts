import { seededRandom } from './statistics';

/** Seeded series for the statistics' tests: independent normals, and AR(1) (each sample leans on the one before). */
export function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** x[t] = φ·x[t−1] + e[t], scaled so its standard deviation is `sd` whatever φ. */
export function ar1(n: number, phi: number, seed: number, mean = 0, sd = 1): number[] {
  const noise = normals(n, seed, 0, sd * Math.sqrt(1 - phi * phi));
  const series: number[] = [];
  let x = normals(1, seed + 1, 0, sd)[0]!;
  for (const e of noise) series.push(mean + (x = phi * x + e));
  return series;
}
