import { compareSpecSchema, parseDuration, parseWeightedPath, type CompareSpec } from '@hopscope/shared';
import { badOption } from '../errors';
import { parseFlags } from '../flags';
import { parseTargetSpec, type TargetSpec } from '../targets';
import { outFormat } from './report';
import { parseThreshold, type Threshold } from './thresholds';

export interface CompareOptions {
  spec: CompareSpec;
  /** Direct URLs (`--target NAME=URL`): no hub needed, no per-hop numbers. */
  urls: TargetSpec[];
  host: string;
  port: number;
  format: 'table' | 'json' | 'markdown';
  /** The hub's token (`--token`, HOPSCOPE_TOKEN), sent as Authorization: Bearer. */
  token?: string;
  /** `--out FILE`: the report also goes to FILE, as JSON, Markdown or HTML by its extension. */
  out?: string;
  /** `--fail-if`: the command exits 2 when any of them holds for a target. */
  failIf: Threshold[];
  help: boolean;
}

export const COMPARE_HELP = `hopscope compare A B [more targets] [options]

Drives the same load through each target's proxy, one target after the other,
and reports throughput, latency percentiles, per-hop times and the ratio B/A
with a 95% confidence interval. Targets are names from the running hub
(--host/--port), or NAME=URL pairs given with --target (no hub needed).

  --path P[:W]        request path, repeatable; W weights a mix (default /); with one
                      target, each path is run on its own and compared: A --path /x --path /y
  --concurrency N     closed loop: N connections, each sending when answered (default 8)
  --rate R            open loop: R requests/s on a fixed schedule, latency from the intended send time
  --duration T        measured time, e.g. 20s, 1m, 500ms (default 10s)
  --requests N        stop after N measured requests
  --warmup T          not counted (default 1s)
  --method M          (default GET)
  -H, --header K:V    repeatable
  --body TEXT
  --target NAME=URL   compare URLs directly instead of hub targets (repeatable)
  --host H --port N   the hub (default 127.0.0.1:4000; HOPSCOPE_HOST / HOPSCOPE_PORT)
  --token T           the hub's token (default HOPSCOPE_TOKEN), for a hub that requires one
  --json | --markdown output format (default: a table)
  --out FILE          also write the report to FILE: .json, .md, or .html (self-contained, with histograms)
  --fail-if EXPR      exit 2 when EXPR holds, repeatable: [TARGET:]METRIC OP VALUE, METRIC one of
                      p50 p90 p99 p99.9 max (ms, s, us), errors (a count, or N%), throughput (requests/s);
                      e.g. --fail-if 'p99>200ms' --fail-if 'workers:errors>1%' --fail-if 'throughput<100'
  --help

Examples: hopscope compare dev workers --path '/cpu?ms=20' --concurrency 8 --duration 20s
          hopscope compare dev --path /books --path '/books?join=1'`;

export function parseCompareOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CompareOptions {
  const parsed = parseFlags(argv, {
    path: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    requests: { type: 'string' },
    warmup: { type: 'string' },
    method: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    body: { type: 'string' },
    target: { type: 'string', multiple: true },
    host: { type: 'string' },
    port: { type: 'string' },
    json: { type: 'boolean' },
    markdown: { type: 'boolean' },
    token: { type: 'string' },
    out: { type: 'string' },
    'fail-if': { type: 'string', multiple: true },
    help: { type: 'boolean' },
  });
  const v = parsed.values;
  const urls = (v.target ?? []).map(parseTargetSpec);
  const names = urls.length > 0 ? urls.map((u) => u.name) : parsed.positionals;
  const duration = v.duration === undefined ? undefined : parseDuration(v.duration);
  const warmup = v.warmup === undefined ? undefined : parseDuration(v.warmup);
  if (v.duration !== undefined && duration === undefined)
    throw badOption(`--duration must look like 20s, 1m or 500ms, not "${v.duration}"`);
  if (v.warmup !== undefined && warmup === undefined) throw badOption(`--warmup must look like 1s or 500ms, not "${v.warmup}"`);
  const headers = Object.fromEntries(
    (v.header ?? []).map((h) => {
      const colon = h.indexOf(':');
      if (colon < 1) throw badOption(`--header must be NAME:VALUE, not "${h}"`);
      return [h.slice(0, colon).trim(), h.slice(colon + 1).trim()];
    }),
  );
  const paths = (v.path ?? ['/']).map(parseWeightedPath);
  const input = {
    targets: names,
    // One target and several paths: the paths compared side by side, not a mix.
    by: names.length === 1 && paths.length >= 2 ? ('path' as const) : undefined,
    paths,
    method: v.method?.toUpperCase(),
    headers,
    body: v.body,
    concurrency: v.concurrency === undefined ? undefined : Number(v.concurrency),
    rate: v.rate === undefined ? undefined : Number(v.rate),
    durationMs: duration,
    requests: v.requests === undefined ? undefined : Number(v.requests),
    warmupMs: warmup,
  };
  const spec = compareSpecSchema.safeParse(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
  if (!spec.success && v.help !== true) {
    const issue = spec.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    if (field === 'targets')
      throw badOption('compare needs at least two targets: hub target names (e.g. "dev workers") or --target NAME=URL twice');
    throw badOption(`--${field.replace('Ms', '')}: ${issue.message}`);
  }
  if (v.out !== undefined) outFormat(v.out);
  const failIf = spec.success ? (v['fail-if'] ?? []).map((text) => parseThreshold(text, spec.data.targets)) : [];
  return {
    spec: spec.success ? spec.data : compareSpecSchema.parse({ targets: ['a', 'b'] }),
    urls,
    host: v.host ?? env.HOPSCOPE_HOST ?? '127.0.0.1',
    port: Number(v.port ?? env.HOPSCOPE_PORT ?? 4000),
    format: v.json ? 'json' : v.markdown ? 'markdown' : 'table',
    token: v.token ?? (env.HOPSCOPE_TOKEN || undefined),
    out: v.out,
    failIf,
    help: v.help === true,
  };
}
