import { compareTargets, hopStatistics, latencyHistogram, runLoad } from '@hopscope/server';
import type { CompareRunAnswer, TargetResult } from '@hopscope/shared';
import { CliError } from '../errors';
import { progressOn } from '../progress';
import { formatMarkdown, formatTable } from '../compare/format';
import { COMPARE_HELP, parseCompareOptions, type CompareOptions } from '../compare/options';
import { writeReport, type CompareReport } from '../compare/report';
import { crossedThresholds, thinSampleWarnings } from '../compare/thresholds';

/** Exit status when a `--fail-if` threshold holds: not 1, so CI can tell "slower than allowed" from "could not run". */
export const THRESHOLD_EXIT = 2;

/**
 * `hopscope compare …`: through a running hub (targets by name, per-hop
 * numbers from the traces) or directly against URLs (--target NAME=URL).
 * Progress goes to stderr, the report to stdout. Returns the exit code.
 */
export async function runCompareCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: CompareOptions;
  try {
    options = parseCompareOptions(argv, env);
  } catch (error) {
    return fail(error);
  }
  if (options.help) {
    console.log(COMPARE_HELP);
    return 0;
  }
  try {
    const report = options.urls.length > 0 ? await compareUrls(options) : await compareThroughHub(options);
    if (options.format === 'json') console.log(JSON.stringify(report, null, 2));
    else console.log(options.format === 'markdown' ? formatMarkdown(report) : formatTable(report));
    const crossings = crossedThresholds(options.failIf, report.results);
    const judged: CompareReport = {
      ...report,
      thresholds: options.failIf.map((t) => ({
        text: t.text,
        crossed: crossings.filter((c) => c.threshold === t).map((c) => c.sentence),
      })),
    };
    for (const warning of thinSampleWarnings(options.failIf, report.results)) console.error(`hopscope compare: warning: ${warning}`);
    if (options.out) await writeReport(options.out, judged);
    if (crossings.length === 0) return 0;
    for (const crossing of crossings) console.error(`hopscope compare: ${crossing.sentence} [HOPSCOPE_CLI_THRESHOLD_CROSSED]`);
    return THRESHOLD_EXIT;
  } catch (error) {
    return fail(error);
  }
}

async function compareUrls(options: CompareOptions): Promise<CompareReport> {
  const results: TargetResult[] = [];
  for (const target of options.urls) {
    const load = await runLoad(target.url, options.spec, (p) => progressLine(target.name, p.phase, p.elapsedMs, p.requests, p.errors));
    results.push({ ...load, target: target.name, ...hopStatistics([]) });
  }
  progress.end();
  const [baseline, ...others] = results;
  return {
    spec: options.spec,
    results: results.map(({ samples, ...rest }) => ({ ...rest, samples: [], histogram: latencyHistogram(samples) })),
    comparisons: others.map((o) => compareTargets(baseline!, o)),
    warnings: [],
  };
}

async function compareThroughHub(options: CompareOptions): Promise<CompareRunAnswer> {
  const hub = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const started = await hubRequest(hub, options.token, '/api/compare', { method: 'POST', body: JSON.stringify(options.spec) });
  const { id } = started as { id: string };
  for (;;) {
    const run = (await hubRequest(hub, options.token, `/api/compare/${id}`)) as CompareRunAnswer;
    if (run.progress)
      progressLine(run.progress.target, run.progress.phase, run.progress.elapsedMs, run.progress.requests, run.progress.errors);
    if (run.status === 'done') {
      progress.end();
      return run;
    }
    if (run.status === 'failed')
      throw new CliError('HOPSCOPE_CLI_COMPARE_FAILED', `The compare run failed: ${run.error ?? 'unknown error'}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function hubRequest(
  hub: string,
  token: string | undefined,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${hub}${path}`, {
      method: init.method ?? 'GET',
      body: init.body,
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  } catch (error) {
    throw new CliError(
      'HOPSCOPE_CLI_HUB_UNREACHABLE',
      `No hopscope hub answers at ${hub}. Start one with "npx hopscope" (built-in demo) or "npx hopscope up --target NAME=URL", use --host/--port to find it, or compare URLs directly with --target NAME=URL.`,
      { cause: error },
    );
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (res.status === 401) {
    throw new CliError(
      'HOPSCOPE_CLI_HUB_UNAUTHORIZED',
      token
        ? `The hub at ${hub} refused the token given with --token or HOPSCOPE_TOKEN: use the one hopscope printed (its dashboard URL's ?token=).`
        : `The hub at ${hub} requires a token: pass --token TOKEN or set HOPSCOPE_TOKEN (the dashboard URL hopscope printed ends with ?token=TOKEN).`,
    );
  }
  if (!res.ok) throw new CliError('HOPSCOPE_CLI_COMPARE_FAILED', body.message ?? `the hub answered ${res.status}`);
  return body;
}

const progress = progressOn(process.stderr);

function progressLine(target: string, phase: string, elapsedMs: number, requests: number, errors: number): void {
  progress.update(`${target} ${phase}`, `${target}: ${phase} ${(elapsedMs / 1000).toFixed(1)} s, ${requests} requests, ${errors} errors`);
}

function fail(error: unknown): number {
  if (error instanceof CliError) console.error(`hopscope compare: ${error.message} [${error.code}]`);
  else console.error(`hopscope compare: ${(error as Error).message}`);
  return 1;
}
