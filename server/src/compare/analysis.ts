import type { Comparison, HopName, MetricComparison, Percentiles, TargetResult, Trace } from '@hopscope/shared';
import { bootstrapRatio, percentiles } from './statistics';

const APP_SIDE: readonly HopName[] = ['queue', 'gateway', 'route', 'view', 'response'];

/** Per-hop statistics of the traces that belong to a run's measured window. */
export function hopStatistics(traces: readonly Trace[]): Pick<TargetResult, 'hops' | 'queueShare' | 'workers' | 'tracedRequests'> {
  const samples = new Map<HopName, number[]>();
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

/** B against A: ratios with 95% bootstrap intervals, and the sentence a person reads. */
export function compareTargets(a: TargetResult, b: TargetResult): Comparison {
  const metrics: MetricComparison[] = (['p50', 'p90', 'p99'] as const).map((metric) => {
    const q = Number(metric.slice(1)) / 100;
    const { ratio, low, high } = bootstrapRatio(a.samples, b.samples, q);
    return { metric, a: a.latency[metric], b: b.latency[metric], ratio, low, high };
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
  const differenceHop = largestHopDifference(a, b);
  const where = differenceHop ? `; the difference is in the ${differenceHop} hop` : '';
  let sentence: string;
  if (withinNoise)
    sentence = `${b.target} and ${a.target} are within noise at p50 (ratio ${fmt(p50.ratio)}, 95% CI ${fmt(p50.low)}–${fmt(p50.high)})`;
  else if (p50.ratio < 1)
    sentence = `${b.target} is ${fmt(1 / p50.ratio)}× faster than ${a.target} at p50 (95% CI ${fmt(1 / p50.high)}–${fmt(1 / p50.low)}×)${where}`;
  else sentence = `${b.target} is ${fmt(p50.ratio)}× slower than ${a.target} at p50 (95% CI ${fmt(p50.low)}–${fmt(p50.high)}×)${where}`;
  sentence += `; throughput ${fmt(b.throughput)} vs ${fmt(a.throughput)} requests/s.`;
  return { a: a.target, b: b.target, metrics, differenceHop, withinNoise, sentence };
}

function largestHopDifference(a: TargetResult, b: TargetResult): HopName | undefined {
  let best: HopName | undefined;
  let bestDelta = 0;
  for (const hop of APP_SIDE) {
    const delta = Math.abs((a.hops[hop]?.mean ?? 0) - (b.hops[hop]?.mean ?? 0));
    if (delta > bestDelta) {
      best = hop;
      bestDelta = delta;
    }
  }
  return best;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
