import { compareTargets, hopStatistics, runLoad } from '@hopscope/server';
import type { CompareRun, TargetResult } from '@hopscope/shared';
import { CliError } from '../errors';
import { formatMarkdown, formatTable } from '../compare/format';
import { COMPARE_HELP, parseCompareOptions, type CompareOptions } from '../compare/options';

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
    return 0;
  } catch (error) {
    return fail(error);
  }
}

async function compareUrls(options: CompareOptions): Promise<Pick<CompareRun, 'results' | 'comparisons' | 'warnings'>> {
  const results: TargetResult[] = [];
  for (const target of options.urls) {
    const load = await runLoad(target.url, options.spec, (p) => progressLine(target.name, p.phase, p.elapsedMs, p.requests, p.errors));
    results.push({ ...load, target: target.name, ...hopStatistics([]) });
  }
  process.stderr.write('\n');
  const [baseline, ...others] = results;
  return {
    results: results.map(({ samples: _samples, ...rest }) => ({ ...rest, samples: [] })),
    comparisons: others.map((o) => compareTargets(baseline!, o)),
    warnings: [],
  };
}

async function compareThroughHub(options: CompareOptions): Promise<CompareRun> {
  const hub = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const started = await hubRequest(hub, '/api/compare', { method: 'POST', body: JSON.stringify(options.spec) });
  const { id } = started as { id: string };
  for (;;) {
    const run = (await hubRequest(hub, `/api/compare/${id}`)) as CompareRun;
    if (run.progress)
      progressLine(run.progress.target, run.progress.phase, run.progress.elapsedMs, run.progress.requests, run.progress.errors);
    if (run.status === 'done') {
      process.stderr.write('\n');
      return run;
    }
    if (run.status === 'failed')
      throw new CliError('HOPSCOPE_CLI_COMPARE_FAILED', `The compare run failed: ${run.error ?? 'unknown error'}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function hubRequest(hub: string, path: string, init: { method?: string; body?: string } = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${hub}${path}`, {
      method: init.method ?? 'GET',
      body: init.body,
      headers: init.body ? { 'content-type': 'application/json' } : {},
    });
  } catch (error) {
    throw new CliError(
      'HOPSCOPE_CLI_HUB_UNREACHABLE',
      `No hopscope hub answers at ${hub}. Start one with "npx hopscope" (built-in demo) or "npx hopscope up --target NAME=URL", use --host/--port to find it, or compare URLs directly with --target NAME=URL.`,
      { cause: error },
    );
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new CliError('HOPSCOPE_CLI_COMPARE_FAILED', body.message ?? `the hub answered ${res.status}`);
  return body;
}

function progressLine(target: string, phase: string, elapsedMs: number, requests: number, errors: number): void {
  if (!process.stderr.isTTY && phase === 'warmup') return;
  process.stderr.write(`\r${target}: ${phase} ${(elapsedMs / 1000).toFixed(1)} s, ${requests} requests, ${errors} errors   `);
}

function fail(error: unknown): number {
  if (error instanceof CliError) console.error(`hopscope compare: ${error.message} [${error.code}]`);
  else console.error(`hopscope compare: ${(error as Error).message}`);
  return 1;
}
