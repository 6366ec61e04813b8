import { enoughSamples, type TargetResult } from '@hopscope/shared';
import { CliError } from '../errors';

/** `--fail-if` metrics: latency percentiles (ms), errors (a count, or a share with %), throughput (requests/s). */
const LATENCY = { p50: 'p50', p90: 'p90', p99: 'p99', 'p99.9': 'p999', p999: 'p999', max: 'max' } as const;
type LatencyMetric = keyof typeof LATENCY;
type Metric = LatencyMetric | 'errors' | 'throughput';
type Operator = '>' | '>=' | '<' | '<=';

export interface Threshold {
  /** As the user wrote it, for messages. */
  text: string;
  /** One target, or every target when missing. */
  target?: string;
  metric: Metric;
  operator: Operator;
  /** In the metric's unit: ms, requests/s, a count of errors, or a share 0..1 when `share`. */
  value: number;
  /** `errors>1%`: the share of requests that failed, not their count. */
  share: boolean;
}

export type ResultForThresholds = Pick<TargetResult, 'target' | 'latency' | 'errors' | 'requests' | 'throughput'>;

const SHAPE =
  /^(?:([^:\s]+):)?\s*(p50|p90|p99\.9|p999|p99|max|errors|throughput)\s*(>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs|%|rps|\/s)?$/;
const LATENCY_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001, µs: 0.001 };

/** `p99>200ms`, `workers:p99.9>=1s`, `errors>0`, `errors>1%`, `throughput<500`: what `--fail-if` takes. */
export function parseThreshold(text: string, targets: readonly string[]): Threshold {
  const match = SHAPE.exec(text.trim());
  if (!match) throw badThreshold(text, 'write it as [TARGET:]METRIC OP VALUE, e.g. p99>200ms, workers:errors>0 or throughput<100');
  const [, target, metricText, operatorText, number, unit = ''] = match;
  const metric = metricText as Metric;
  if (target !== undefined && !targets.includes(target))
    throw badThreshold(text, `"${target}" is not one of the compared targets (${targets.join(', ')})`);
  let value = Number(number);
  if (metric in LATENCY) {
    if (!(unit in LATENCY_UNITS)) throw badThreshold(text, `${metric} is a latency: give ms, s or us`);
    value *= LATENCY_UNITS[unit]!;
  } else if (metric === 'throughput') {
    if (!['', 'rps', '/s'].includes(unit))
      throw badThreshold(text, 'throughput is in requests per second: give a number, e.g. throughput<100');
  } else if (!['', '%'].includes(unit)) {
    throw badThreshold(text, 'errors is a count (errors>0) or a share of the requests (errors>1%)');
  }
  const share = unit === '%';
  return { text, target, metric, operator: operatorText as Operator, value: share ? value / 100 : value, share };
}

export interface Crossing {
  threshold: Threshold;
  target: string;
  /** The measured value, in the threshold's unit. */
  actual: number;
  sentence: string;
}

/** Every threshold that holds for some target ("fail if" it holds), one crossing per target. */
export function crossedThresholds(thresholds: readonly Threshold[], results: readonly ResultForThresholds[]): Crossing[] {
  const crossings: Crossing[] = [];
  for (const threshold of thresholds) {
    for (const result of results) {
      if (threshold.target !== undefined && threshold.target !== result.target) continue;
      const actual = measured(threshold, result);
      if (!holds(actual, threshold.operator, threshold.value)) continue;
      crossings.push({ threshold, target: result.target, actual, sentence: sentence(threshold, result, actual) });
    }
  }
  return crossings;
}

/** A warning when a tail threshold is judged on fewer requests than the report would show it for. */
export function thinSampleWarnings(thresholds: readonly Threshold[], results: readonly ResultForThresholds[]): string[] {
  const tail = thresholds.filter((t) => t.metric === 'max' || LATENCY[t.metric as LatencyMetric] === 'p999');
  return tail.flatMap((t) =>
    results
      .filter((r) => (t.target === undefined || t.target === r.target) && !enoughSamples('p999', r.latency.count))
      .map(
        (r) => `--fail-if ${t.text}: ${r.target} has ${r.latency.count} requests, too few for ${t.metric} to mean much (10,000 or more)`,
      ),
  );
}

function measured(threshold: Threshold, result: ResultForThresholds): number {
  if (threshold.metric === 'throughput') return result.throughput;
  if (threshold.metric === 'errors') {
    const count = Object.values(result.errors).reduce((sum, n) => sum + n, 0);
    return threshold.share ? (result.requests > 0 ? count / result.requests : 0) : count;
  }
  return result.latency[LATENCY[threshold.metric]];
}

function holds(actual: number, operator: Operator, value: number): boolean {
  if (operator === '>') return actual > value;
  if (operator === '>=') return actual >= value;
  if (operator === '<') return actual < value;
  return actual <= value;
}

function sentence(threshold: Threshold, result: ResultForThresholds, actual: number): string {
  const shown =
    threshold.metric === 'throughput'
      ? `${actual.toFixed(1)} requests/s`
      : threshold.metric === 'errors'
        ? threshold.share
          ? `${(actual * 100).toFixed(2)}% of ${result.requests} requests`
          : `${actual} of ${result.requests} requests`
        : `${actual.toFixed(1)} ms`;
  return `${result.target}: ${threshold.metric} was ${shown}, and --fail-if '${threshold.text}' holds`;
}

function badThreshold(text: string, reason: string): CliError {
  return new CliError('HOPSCOPE_CLI_BAD_THRESHOLD', `Bad --fail-if "${text.slice(0, 100)}": ${reason}.`);
}
