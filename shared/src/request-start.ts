/**
 * `X-Request-Start` as APM agents read it (New Relic, Datadog, Scout):
 * `t=<microseconds since epoch>`; seconds, milliseconds and nanoseconds with
 * or without `t=` are accepted, told apart by magnitude. Never throws.
 */
const EPOCH_2001_SECONDS = 978_307_200;

export function parseRequestStart(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.length > 64) return undefined;
  const text = header.trim().replace(/^t=/, '');
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  // Normalise to epoch milliseconds by magnitude: s ~1e9, ms ~1e12, µs ~1e15, ns ~1e18.
  for (const divisor of [1e-3, 1, 1e3, 1e6]) {
    const ms = value / divisor;
    if (ms >= EPOCH_2001_SECONDS * 1000 && ms < EPOCH_2001_SECONDS * 1000 * 10) return ms;
  }
  return undefined;
}

/** Formats an epoch-ms instant as `t=<microseconds>`. */
export function formatRequestStart(epochMs: number): string {
  return `t=${Math.round(epochMs * 1000)}`;
}
