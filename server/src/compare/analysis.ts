import type { Comparison, MetricComparison, TargetResult, Trace } from '@hopscope/shared';
import { quantileRatios } from './block-bootstrap';
import { attributeDifference, type HopAttribution, type HopSeries } from './hop-attribution';
import { MIN_SAMPLES, enoughSamples, percentiles } from './statistics';

export { hopSeries, type HopSeries } from './hop-attribution';

/** Per-hop statistics of the traces that belong to a run's measured window. */
export function hopStatistics(traces: readonly Trace[]): Pick<TargetResult, 'hops' | 'queueShare' | 'workers' | 'tracedRequests'> {
  const samples = new Map<string, number[]>();
  const workers: TargetResult['workers'] = {};
  let queueTotal = 0;
  let serverTotal = 0;
  for (const trace of traces) {
    for (const hop of trace.hops) {
      const list = samples.get(hop.hop) ?? samples.set(hop.hop, []).get(hop.hop)!;
      list.push(hop.duration);
      if (hop.hop === 'queue') queueTotal += hop.duration;
      if (hop.hop === 'server') serverTotal += hop.duration;
    }
    if (trace.worker) {
      const worker = (workers[trace.worker] ??= { requests: 0, busyMs: 0 });
      worker.requests++;
      worker.busyMs += trace.hops.find((h) => h.hop === 'gateway')?.duration ?? 0;
    }
  }
  return {
    hops: Object.fromEntries([...samples].map(([hop, values]) => [hop, percentiles(values)])),
    queueShare: serverTotal > 0 ? queueTotal / serverTotal : 0,
    workers,
    tracedRequests: traces.length,
  };
}

/**
 * B against A: quantile ratios with 95% block-bootstrap intervals (samples in
 * time order, so correlated requests are not counted as independent), and the
 * sentence a person reads. With each run's per-hop series, the sentence names
 * the hop the difference is in, when one can honestly be named
 * (hop-attribution.ts). p99.9 is compared only when both runs have enough
 * requests for it to mean something (MIN_SAMPLES), and the sentence says so.
 */
export function compareTargets(a: TargetResult, b: TargetResult, series?: { a: HopSeries; b: HopSeries }): Comparison {
  const tail = enoughSamples('p999', a.requests) && enoughSamples('p999', b.requests);
  const intervals = quantileRatios(a.samples, b.samples, tail ? [0.5, 0.9, 0.99, 0.999] : [0.5, 0.9, 0.99]);
  const metrics: MetricComparison[] = (['p50', 'p90', 'p99'] as const).map((metric, i) => {
    const { estimate, low, high } = intervals[i]!;
    return { metric, a: a.latency[metric], b: b.latency[metric], ratio: estimate, low, high };
  });
  const throughputRatio = a.throughput > 0 ? b.throughput / a.throughput : 0;
  metrics.push({
    metric: 'throughput',
    a: a.throughput,
    b: b.throughput,
    ratio: throughputRatio,
    low: throughputRatio,
    high: throughputRatio,
  });
  const p50 = metrics[0]!;
  const withinNoise = p50.low <= 1 && p50.high >= 1;
  const attribution = series && !withinNoise ? attributeDifference(series.a, series.b) : undefined;
  const where = attribution ? `; the difference is in the ${attribution.hop} hop (${hopPhrase(attribution)})` : '';
  let sentence: string;
  if (withinNoise)
    sentence = `${b.target} and ${a.target} are within noise at p50 (ratio ${fmt(p50.ratio)}, 95% CI ${fmt(p50.low)}–${fmt(p50.high)})`;
  else if (p50.ratio < 1)
    sentence = `${b.target} is ${fmt(1 / p50.ratio)}× faster than ${a.target} at p50 (95% CI ${fmt(1 / p50.high)}–${fmt(1 / p50.low)}×)${where}`;
  else sentence = `${b.target} is ${fmt(p50.ratio)}× slower than ${a.target} at p50 (95% CI ${fmt(p50.low)}–${fmt(p50.high)}×)${where}`;
  sentence += `; throughput ${fmt(b.throughput)} vs ${fmt(a.throughput)} requests/s`;
  const p999 = intervals[3];
  sentence += p999
    ? `; p99.9 ratio ${fmt(p999.estimate)} (95% CI ${fmt(p999.low)}–${fmt(p999.high)}).`
    : `; p99.9 and max not compared: ${count(a.requests)} and ${count(b.requests)} requests, each needs ≥ ${count(MIN_SAMPLES.p999)}.`;
  return { a: a.target, b: b.target, metrics, differenceHop: attribution?.hop, withinNoise, sentence };
}

function hopPhrase({ difference, total }: HopAttribution): string {
  const ms = (v: number) => `${v >= 0 ? '+' : '−'}${fmt(Math.abs(v))} ms`;
  return `${ms(difference.estimate)} of ${ms(total.estimate)} mean, 95% CI ${ms(difference.low)} to ${ms(difference.high)}`;
}

function count(n: number): string {
  return n.toLocaleString('en');
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
