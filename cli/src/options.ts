import { badOption } from './errors';
import { parseFlags } from './flags';

/**
 * Every option, defined once: the parser, `--help` and the README's options
 * table (checked by a test) all come from this list. Precedence: flag, then
 * the HOPSCOPE_* environment variable, then the default.
 */
export interface OptionSpec {
  flag: string;
  env?: string;
  kind: 'string' | 'boolean' | 'port' | 'count';
  /** One-letter alias (`-h`, `-V`). */
  short?: string;
  multiple?: boolean;
  defaultValue?: string;
  help: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'target',
    env: 'HOPSCOPE_TARGETS',
    kind: 'string',
    multiple: true,
    help: 'NAME=URL of an app server to put a proxy in front of (repeatable; the variable takes a comma-separated list)',
  },
  {
    flag: 'host',
    env: 'HOPSCOPE_HOST',
    kind: 'string',
    defaultValue: '127.0.0.1',
    help: 'address every listener binds to; anything but loopback needs a token',
  },
  { flag: 'port', env: 'HOPSCOPE_PORT', kind: 'port', defaultValue: '4000', help: 'dashboard, REST API and live stream' },
  {
    flag: 'otlp-port',
    env: 'HOPSCOPE_OTLP_PORT',
    kind: 'port',
    defaultValue: '4318',
    help: 'OTLP/HTTP receiver (POST /v1/traces, /v1/metrics, /v1/logs)',
  },
  {
    flag: 'otlp-grpc-port',
    env: 'HOPSCOPE_OTLP_GRPC_PORT',
    kind: 'port',
    defaultValue: '4317',
    help: "OTLP/gRPC receiver (traces, metrics, logs: the Python SDK's default protocol); ephemeral when --otlp-port is 0",
  },
  {
    flag: 'proxy-port',
    env: 'HOPSCOPE_PROXY_PORT',
    kind: 'port',
    defaultValue: '8080',
    help: 'first proxy listener; the next target gets the next port',
  },
  {
    flag: 'token',
    env: 'HOPSCOPE_TOKEN',
    kind: 'string',
    help: 'access token for the dashboard and API (generated and printed when binding beyond loopback)',
  },
  {
    flag: 'workers',
    env: 'HOPSCOPE_WORKERS',
    kind: 'count',
    defaultValue: '4',
    help: 'worker processes of the built-in "workers" demo target',
  },
  {
    flag: 'capture-header',
    env: 'HOPSCOPE_CAPTURE_HEADERS',
    kind: 'string',
    multiple: true,
    help: 'NAME of a request/response header to record on the proxy span (repeatable; the variable takes a comma-separated list; Authorization, Cookie, Set-Cookie never are)',
  },
  {
    flag: 'record',
    env: 'HOPSCOPE_RECORD',
    kind: 'string',
    help: 'record every finished span to this file as OTLP JSON lines (`hopscope replay FILE` plays it back)',
  },
  {
    flag: 'scenario',
    kind: 'string',
    help: '`hopscope demo --scenario talk`: a scripted, captioned sequence for a talk, starting when the dashboard connects',
  },
  {
    flag: 'out',
    kind: 'string',
    help: '`hopscope export FILE --out OUT.html`: where the self-contained HTML goes (default FILE with .html)',
  },
  {
    flag: 'flask',
    kind: 'boolean',
    help: '`hopscope demo --flask`: the example Flask app under the Werkzeug dev server and gunicorn -w 4',
  },
  {
    flag: 'fastapi',
    kind: 'boolean',
    help: '`hopscope demo --fastapi`: the example FastAPI app under uvicorn (one process) and gunicorn -k uvicorn.workers.UvicornWorker -w 4',
  },
  {
    flag: 'open',
    kind: 'boolean',
    help: 'open the dashboard in the default browser once it is up (xdg-open, open or start; if that fails, a warning)',
  },
  { flag: 'help', short: 'h', kind: 'boolean', help: "show this help (after a command: that command's help)" },
  { flag: 'version', short: 'V', kind: 'boolean', help: 'print the version' },
];

export interface CliOptions {
  command: string;
  /** False when no command was given (`hopscope` alone runs the demo). */
  commandGiven: boolean;
  targets: string[];
  host: string;
  port: number;
  otlpPort: number;
  /** Missing when neither the flag nor the variable was given: 4317, or ephemeral with an ephemeral --otlp-port. */
  otlpGrpcPort?: number;
  proxyPort: number;
  token?: string;
  workers: number;
  captureHeaders: string[];
  record?: string;
  scenario?: string;
  out?: string;
  flask: boolean;
  fastapi: boolean;
  open: boolean;
  help: boolean;
  version: boolean;
  positionals: string[];
}

export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const parsed = parseFlags(
    argv,
    Object.fromEntries(
      OPTIONS.map((o) => [
        o.flag,
        { type: o.kind === 'boolean' ? 'boolean' : 'string', multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) },
      ]),
    ) as Record<string, { type: 'string' | 'boolean'; multiple: boolean; short?: string }>,
  );
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const pick = (flag: string): string | undefined => {
    const spec = OPTIONS.find((o) => o.flag === flag)!;
    const given = values[flag];
    if (typeof given === 'string') return given;
    if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '') return env[spec.env];
    return spec.defaultValue;
  };
  // No default here: without the flag or the variable, the gRPC port follows --otlp-port (startHopscope decides).
  const grpcFlag = values['otlp-grpc-port'];
  const grpcPort = typeof grpcFlag === 'string' ? grpcFlag : env.HOPSCOPE_OTLP_GRPC_PORT || undefined;
  const [command = 'demo', ...positionals] = parsed.positionals;
  const flagTargets = (values.target as string[] | undefined) ?? [];
  const envTargets = (env.HOPSCOPE_TARGETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    command,
    commandGiven: parsed.positionals.length > 0,
    positionals,
    targets: flagTargets.length > 0 ? flagTargets : envTargets,
    host: pick('host')!,
    port: toPort('--port', pick('port')!),
    otlpPort: toPort('--otlp-port', pick('otlp-port')!),
    otlpGrpcPort: grpcPort === undefined ? undefined : toPort('--otlp-grpc-port', grpcPort),
    proxyPort: toPort('--proxy-port', pick('proxy-port')!),
    token: pick('token'),
    workers: toCount('--workers', pick('workers')!),
    captureHeaders:
      (values['capture-header'] as string[] | undefined) ??
      (env.HOPSCOPE_CAPTURE_HEADERS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    record: pick('record'),
    scenario: pick('scenario'),
    out: pick('out'),
    flask: values.flask === true,
    fastapi: values.fastapi === true,
    open: values.open === true,
    help: values.help === true,
    version: values.version === true,
  };
}

function toPort(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw badOption(`${flag} must be a port number from 0 to 65535, not "${text}"`);
  return port;
}

function toCount(flag: string, text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > 64) throw badOption(`${flag} must be a whole number from 1 to 64, not "${text}"`);
  return count;
}
