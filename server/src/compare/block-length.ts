/**
 * The block length for a circular block bootstrap of a time-ordered series,
 * chosen from the data by Politis & White (2004), "Automatic block-length
 * selection for the dependent bootstrap", with the correction of Patton,
 * Politis & White (2009). Independent samples get 1 (the ordinary bootstrap);
 * the more the latencies of neighbouring requests move together (a GC pause,
 * a worker busy for a while), the longer the blocks, so the interval stays
 * honest instead of pretending n correlated samples are n independent ones.
 */
export function blockLength(series: ArrayLike<number>): number {
  const n = series.length;
  if (n < 8) return 1;
  const longest = Math.max(1, Math.ceil(Math.min(3 * Math.sqrt(n), n / 3)));
  const covariance = autocovariances(series, Math.min(n - 1, 2 * longest + 8));
  if (covariance[0]! <= 0) return 1;
  const bandwidth = 2 * flatTopLag(covariance, n);
  if (bandwidth === 0) return 1;
  // Flat-top (trapezoid) lag window: weight 1 up to half the bandwidth, falling linearly to 0 at it.
  const weight = (k: number) => {
    const t = Math.abs(k) / bandwidth;
    return t <= 0.5 ? 1 : t <= 1 ? 2 * (1 - t) : 0;
  };
  let g = covariance[0]!;
  let G = 0;
  for (let k = 1; k <= bandwidth && k < covariance.length; k++) {
    g += 2 * weight(k) * covariance[k]!;
    G += 2 * weight(k) * k * covariance[k]!;
  }
  if (g <= 0) return longest;
  // Circular block bootstrap: D = (4/3) g², b = (2 G² / D)^(1/3) n^(1/3).
  const length = Math.cbrt((2 * G * G) / ((4 / 3) * g * g)) * Math.cbrt(n);
  return Math.min(longest, Math.max(1, Math.round(length)));
}

/**
 * The smallest lag m after which K consecutive autocorrelations are all
 * insignificant (|ρ| < 2·√(log10 n / n)), K = max(5, ⌈√log10 n⌉).
 */
function flatTopLag(covariance: Float64Array, n: number): number {
  const threshold = 2 * Math.sqrt(Math.log10(n) / n);
  const run = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  let quiet = 0;
  for (let k = 1; k < covariance.length; k++) {
    if (Math.abs(covariance[k]! / covariance[0]!) < threshold) {
      if (++quiet === run) return k - run;
    } else quiet = 0;
  }
  return Math.max(0, covariance.length - 1 - run);
}

function autocovariances(series: ArrayLike<number>, maxLag: number): Float64Array {
  const n = series.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i]!;
  mean /= n;
  const centred = new Float64Array(n);
  for (let i = 0; i < n; i++) centred[i] = series[i]! - mean;
  const result = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let sum = 0;
    for (let i = 0; i + k < n; i++) sum += centred[i]! * centred[i + k]!;
    result[k] = sum / n;
  }
  return result;
}
