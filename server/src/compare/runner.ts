import { randomBytes } from 'node:crypto';
import type { CompareRun, CompareSpec, TargetInfo, Trace } from '@hopscope/shared';
import { callStatistics } from './call-statistics';
import { compareTargets, hopSeries, hopStatistics, type HopSeries } from './analysis';
import { measureDriverCeiling } from './ceiling';
import { runLoad } from './driver';

export interface RunnerDeps {
  targets(): TargetInfo[];
  tracesSince(target: string, sinceMs: number): Trace[];
}

/** Saved runs kept by the hub (oldest dropped first). */
const MAX_RUNS = 50;
/** Time for the apps' last spans to arrive before per-hop statistics are read. */
const LATE_SPANS_MS = 600;

/**
 * Runs compares one at a time: the same load through each target's proxy in
 * turn (never both at once: on a small machine they would compete for the
 * same cores), then per-hop statistics from the traces and the comparison.
 */
export class CompareRunner {
  private readonly runs = new Map<string, CompareRun>();
  private busy: Promise<unknown> = Promise.resolve();
  private ceiling: number | undefined;

  constructor(private readonly deps: RunnerDeps) {}

  start(spec: CompareSpec): CompareRun {
    const run: CompareRun = {
      id: randomBytes(6).toString('hex'),
      spec,
      status: 'running',
      startedAt: Date.now(),
      results: [],
      comparisons: [],
      warnings: [],
    };
    this.runs.set(run.id, run);
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    this.busy = this.busy.then(() => this.execute(run));
    return run;
  }

  get(id: string): CompareRun | undefined {
    return this.runs.get(id);
  }

  list(): CompareRun[] {
    return [...this.runs.values()].reverse();
  }

  private async execute(run: CompareRun): Promise<void> {
    try {
      this.ceiling ??= await measureDriverCeiling();
      // Per-hop durations in time order, kept only until the comparisons are made.
      const series = new Map<string, HopSeries>();
      for (const leg of legsOf(run.spec)) {
        const info = this.deps.targets().find((t) => t.name === leg.target);
        if (!info) throw new Error(`unknown target "${leg.target}"`);
        const load = await runLoad(info.proxy, leg.spec, (progress) => (run.progress = { ...progress, target: leg.label }));
        await new Promise((resolve) => setTimeout(resolve, LATE_SPANS_MS));
        // Traces carry the path without its query: the legs of a path comparison run one after the other, so their windows tell them apart.
        const paths = new Set(leg.spec.paths.map((p) => p.path.split('?')[0]));
        const traces = this.deps.tracesSince(leg.target, load.measuredFrom).filter((t) => t.start <= load.measuredTo && paths.has(t.path));
        const calls = callStatistics(traces);
        run.results.push({ ...load, target: leg.label, ...hopStatistics(traces), ...(calls ? { calls } : {}) });
        series.set(leg.label, hopSeries(traces));
        if (load.throughput > 0.7 * this.ceiling) {
          run.warnings.push(
            `${leg.label}: ${load.throughput.toFixed(0)} requests/s is near the load driver's own ceiling (${this.ceiling.toFixed(0)}/s here); the numbers may measure the driver, not the target.`,
          );
        }
      }
      const [baseline, ...others] = run.results;
      run.comparisons = others.map((other) =>
        compareTargets(baseline!, other, { a: series.get(baseline!.target)!, b: series.get(other.target)! }),
      );
      run.status = 'done';
    } catch (error) {
      run.status = 'failed';
      run.error = (error as Error).message;
    }
  }
}

/** One load run of a compare: each target with the whole mix, or (`by: 'path'`) each path on the one target. */
export function legsOf(spec: CompareSpec): Array<{ target: string; label: string; spec: CompareSpec }> {
  if (spec.by === 'path') {
    const target = spec.targets[0]!;
    return spec.paths.map((p) => ({ target, label: `${target} ${p.path}`, spec: { ...spec, paths: [{ path: p.path, weight: 1 }] } }));
  }
  return spec.targets.map((target) => ({ target, label: target, spec }));
}
