import { z } from 'zod';
import type { HopName } from './hops';
import type { Percentiles } from './stats';

/**
 * The compare API's shapes, used by the hub (which runs compares), the CLI
 * (`hopscope compare`) and the dashboard's compare view.
 */
/**
 * What a compare run does, as the API and the CLI accept it. Closed loop:
 * `concurrency` connections, each sending when its last answer arrived. Open
 * loop: `rate` requests per second on a fixed schedule, whatever the server
 * does. A run is bounded by `durationMs` and by `requests`, whichever comes first.
 */
export const compareSpecSchema = z
  .object({
    targets: z.array(z.string().min(1)).min(1).max(8),
    /**
     * `path`: one target, each path measured on its own in turn and compared side by side
     * (`hopscope compare dev --path /books --path '/books?join=1'`); otherwise the paths are one mix.
     */
    by: z.enum(['target', 'path']).optional(),
    paths: z
      .array(z.object({ path: z.string().startsWith('/'), weight: z.number().positive().default(1) }))
      .min(1)
      .default([{ path: '/', weight: 1 }]),
    method: z
      .string()
      .regex(/^[A-Z]+$/)
      .default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    concurrency: z.number().int().min(1).max(1024).default(8),
    rate: z.number().positive().max(100_000).optional(),
    durationMs: z.number().int().min(100).max(600_000).default(10_000),
    requests: z.number().int().min(1).max(10_000_000).optional(),
    warmupMs: z.number().int().min(0).max(60_000).default(1_000),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.by !== 'path' && spec.targets.length < 2)
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'compare needs at least two targets (or --path twice on one target)' });
    if (spec.by === 'path' && (spec.targets.length !== 1 || spec.paths.length < 2))
      ctx.addIssue({ code: 'custom', path: ['paths'], message: 'comparing paths needs one target and at least two paths' });
  });

export type CompareSpec = z.infer<typeof compareSpecSchema>;
export type CompareSpecInput = z.input<typeof compareSpecSchema>;

/** `20s`, `1.5m`, `500ms` or a number of seconds → milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000);
}

/** `/cpu?ms=20:3` → path with weight 3 (the weight after the last colon, when numeric). */
export function parseWeightedPath(text: string): { path: string; weight: number } {
  const match = /^(.*):(\d+(?:\.\d+)?)$/.exec(text);
  if (match && match[1]!.startsWith('/')) return { path: match[1]!, weight: Number(match[2]) };
  return { path: text, weight: 1 };
}

/**
 * Fewest requests for a tail statistic to be reported. A quantile q is
 * estimated from the n·(1−q) samples beyond it; with fewer than 10 of them it
 * is little more than the largest few values, so p99.9 needs 10,000. The
 * maximum is the single largest sample: it grows with n whatever the server
 * does, so it is shown only beside a meaningful p99.9.
 */
export const MIN_SAMPLES = { p999: 10_000, max: 10_000 } as const;

export function enoughSamples(metric: keyof typeof MIN_SAMPLES, count: number): boolean {
  return count >= MIN_SAMPLES[metric];
}

export interface LoadProgress {
  phase: 'warmup' | 'measure';
  elapsedMs: number;
  requests: number;
  errors: number;
}

export interface LoadResult {
  url: string;
  model: 'closed' | 'open';
  /** Epoch ms: the measured window (warm-up excluded). */
  measuredFrom: number;
  measuredTo: number;
  requests: number;
  throughput: number;
  /** Milliseconds; in open loop measured from the intended send time (no coordinated omission). */
  latency: Percentiles;
  errors: Record<string, number>;
  /** Up to 20,000 latencies (ms), a uniform sample, for confidence intervals and histograms. */
  samples: number[];
}

/** The outgoing calls of a run's traced requests (their `calls`), per request on average. */
export interface CallStatistics {
  /** Database and cache calls. */
  queriesPerRequest: number;
  /** Milliseconds spent in them. */
  dbMsPerRequest: number;
  httpPerRequest: number;
  /** How many requests had each kind of finding. */
  findings: Partial<Record<'repeated_query' | 'sequential_calls' | 'blocked_event_loop', number>>;
}

export interface TargetResult extends LoadResult {
  /** The target's name; comparing paths (`by: 'path'`), the target and the path: `dev /books?join=1`. */
  target: string;
  /** What the traced requests called, when any of them made calls. */
  calls?: CallStatistics;
  /** Per-hop durations of the run's requests, from their traces. */
  hops: Partial<Record<HopName, Percentiles>>;
  /** Share of the upstream time spent waiting for a worker (queue / server), 0..1. */
  queueShare: number;
  workers: Record<string, { requests: number; busyMs: number }>;
  tracedRequests: number;
}

export interface MetricComparison {
  metric: 'p50' | 'p90' | 'p99' | 'throughput';
  a: number;
  b: number;
  /** b / a */
  ratio: number;
  low: number;
  high: number;
}

export interface Comparison {
  a: string;
  b: string;
  metrics: MetricComparison[];
  /** The hop whose mean duration differs most between the two. */
  differenceHop?: HopName;
  withinNoise: boolean;
  sentence: string;
}

export interface CompareRun {
  id: string;
  spec: CompareSpec;
  status: 'running' | 'done' | 'failed';
  startedAt: number;
  progress?: LoadProgress & { target: string };
  results: TargetResult[];
  comparisons: Comparison[];
  warnings: string[];
  error?: string;
}

/**
 * Latency samples as a log-spaced histogram (share of requests per bucket),
 * for overlaying two targets on one axis.
 */
export interface HistogramBucket {
  /** Upper edge of the bucket, ms. */
  le: number;
  share: number;
}

/** `GET /api/compare/:id`: a run with each target's samples folded into a histogram. */
export type CompareRunAnswer = Omit<CompareRun, 'results'> & {
  results: Array<Omit<TargetResult, 'samples'> & { histogram: HistogramBucket[] }>;
};

/** One row of `GET /api/compare` (saved runs, newest last). */
export interface CompareRunSummary {
  id: string;
  spec: CompareSpec;
  status: CompareRun['status'];
  startedAt: number;
  sentences: string[];
}
