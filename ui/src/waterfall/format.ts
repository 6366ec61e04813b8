import type { Hop } from '@hopscope/shared';

/**
 * "12.34 ms", "3 ms ±1 (derived)": a hop derived from whole-millisecond
 * timestamps (SDKs that stamp `Date.now()`) gets no more digits than they hold.
 */
export function hopDuration(hop: Hop): string {
  const value = hop.imprecise ? `${Math.round(hop.duration)} ms ±1` : `${hop.duration.toFixed(2)} ms`;
  return hop.measured ? value : `${value} (${hop.source})`;
}
