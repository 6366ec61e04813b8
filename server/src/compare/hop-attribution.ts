import type { HopName, Trace } from '@hopscope/shared';
import { meanDifference, type Interval } from './block-bootstrap';

/** Each hop's durations, one per trace, in the order the requests started (the block bootstrap needs time order). */
export type HopSeries = Partial<Record<HopName, number[]>>;

/** Hops inside the app, where a difference can be placed; `gateway` contains route, view and response. */
const APP_SIDE: readonly HopName[] = ['queue', 'gateway', 'route', 'view', 'response'];
const CONTAINERS: ReadonlySet<HopName> = new Set(['gateway']);
/** A hop "explains" the difference when it accounts for at least this share of it. */
export const EXPLAINS_SHARE = 0.5;

export interface HopAttribution {
  hop: HopName;
  /** mean(B) − mean(A) of the hop, ms, with its 95% interval. */
  difference: Interval;
  /** mean(B) − mean(A) of the whole request (the proxy hop), ms, with its 95% interval. */
  total: Interval;
}

export function hopSeries(traces: readonly Trace[]): HopSeries {
  const series: HopSeries = {};
  for (const trace of [...traces].sort((x, y) => x.start - y.start))
    for (const hop of trace.hops) (series[hop.hop] ??= []).push(hop.duration);
  return series;
}

/**
 * The hop where B's requests differ from A's, if one can honestly be named:
 * the whole request's mean difference is significant (its interval excludes
 * 0), the hop's own difference is significant, has the same sign, and is at
 * least half of the whole. Among hops that qualify, a hop nested in the
 * gateway (route, view, response) is named before the gateway that contains
 * it, being more precise; then the larger difference wins. Means, not
 * medians: the hops of a request add up in the mean, not in any quantile.
 */
export function attributeDifference(a: HopSeries, b: HopSeries): HopAttribution | undefined {
  if (!a.proxy?.length || !b.proxy?.length) return undefined;
  const total = meanDifference(a.proxy, b.proxy);
  if (!excludesZero(total)) return undefined;
  const candidates: HopAttribution[] = [];
  for (const hop of APP_SIDE) {
    const seriesA = a[hop];
    const seriesB = b[hop];
    if (!seriesA?.length || !seriesB?.length) continue;
    const difference = meanDifference(seriesA, seriesB);
    const sameSign = Math.sign(difference.estimate) === Math.sign(total.estimate);
    if (excludesZero(difference) && sameSign && Math.abs(difference.estimate) >= EXPLAINS_SHARE * Math.abs(total.estimate))
      candidates.push({ hop, difference, total });
  }
  candidates.sort(
    (x, y) =>
      Number(CONTAINERS.has(x.hop)) - Number(CONTAINERS.has(y.hop)) || Math.abs(y.difference.estimate) - Math.abs(x.difference.estimate),
  );
  return candidates[0];
}

function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}
