import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TargetInfo } from '@hopscope/shared';
import { exitQuietlyOnBrokenPipe } from './broken-pipe';
import { checkCommandLine } from './command-line';
import { CliError } from './errors';
import { helpText } from './help';
import { openInBrowser } from './open-browser';
import { parseCliOptions, type CliOptions } from './options';
import type { HopscopeOptions, RunningHopscope } from './start';
import { exportEndpointFromEnv } from './export-endpoint';
import { stopOnSignals } from './stop-on-signals';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

async function main(argv: string[]): Promise<void> {
  exitQuietlyOnBrokenPipe();
  // compare is a client of a running hub with flags of its own: hand it over whole.
  if (argv[0] === 'compare') {
    const { runCompareCommand } = await import('./commands/compare');
    process.exit(await runCompareCommand(argv.slice(1), process.env));
  }
  const options = parseCliOptions(argv, process.env);
  if (options.help) return void console.log(helpText(options.commandGiven ? options.command : undefined));
  if (options.version) return void console.log(version());
  checkCommandLine(options);
  if (options.command === 'export') {
    const { runExport } = await import('./commands/export');
    return void console.log(await runExport(options));
  }
  if (options.command === 'replay') return replay(options);
  const running = await runCommand(options);
  printBanner(running, options);
  if (options.scenario)
    console.log(
      `\nScenario "${options.scenario}": open ${dashboardUrl(running.hubUrl, options)} — the scenario starts when the dashboard connects.`,
    );
  if (options.open) openInBrowser(dashboardUrl(running.hubUrl, options));
  stopOnSignals(running);
}

async function replay(options: CliOptions): Promise<void> {
  warnIfExposed(options);
  const { startReplay } = await import('./commands/replay');
  const { hub, recording } = await startReplay(options);
  const seconds = ((recording.end - recording.start) / 1000).toFixed(1);
  console.log(
    [
      `hopscope ${version()} — replaying ${recording.title}: ${recording.traces.length} traces over ${seconds} s (no network needed)`,
      `  dashboard   ${dashboardUrl(hub.url, options)}`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  if (options.open) openInBrowser(dashboardUrl(hub.url, options));
  stopOnSignals(hub);
}

function dashboardUrl(hubUrl: string, options: CliOptions): string {
  return `${hubUrl}${options.token && !LOOPBACK.has(options.host) ? `/?token=${options.token}` : ''}`;
}

async function runCommand(options: CliOptions): Promise<RunningHopscope> {
  warnIfExposed(options);
  const common: HopscopeOptions = {
    token: options.token,
    host: options.host,
    port: options.port,
    otlpPort: options.otlpPort,
    otlpGrpcPort: options.otlpGrpcPort,
    proxyPort: options.proxyPort,
    exportEndpoint: exportEndpointFromEnv(process.env, options),
    captureHeaders: options.captureHeaders,
    record: options.record,
  };
  switch (options.command) {
    case 'demo':
      return (await import('./commands/demo')).runDemo(options, common);
    case 'up':
      return (await import('./commands/up')).runUp(options, common);
    default:
      throw new CliError('HOPSCOPE_CLI_UNKNOWN_COMMAND', `Unknown command "${options.command}". Run "hopscope --help" for the commands.`);
  }
}

/** Binding beyond loopback is an explicit choice: say so, and require a token. */
function warnIfExposed(options: CliOptions): void {
  if (LOOPBACK.has(options.host)) return;
  if (!options.token) options.token = randomBytes(18).toString('base64url');
  console.warn(
    `warning: listening on ${options.host}, reachable from other machines. ` +
      `Open the dashboard with ?token=${options.token} (set HOPSCOPE_TOKEN to choose it).`,
  );
}

function printBanner(running: RunningHopscope, options: CliOptions): void {
  const width = Math.max(...running.targets.map((t: TargetInfo) => t.name.length), 4);
  const lines = [
    `hopscope ${version()}`,
    `  dashboard   ${dashboardUrl(running.hubUrl, options)}`,
    `  OTLP/HTTP   ${running.otlpUrl}`,
    ...(running.otlpGrpcUrl ? [`  OTLP/gRPC   ${running.otlpGrpcUrl}`] : []),
    ...running.targets.map((t) => `  proxy ${t.name.padEnd(width)}  ${t.proxy}  →  ${t.upstream}`),
    '',
    running.targets[0] ? `Try: curl ${running.targets[0].proxy}/items/7   then open ${running.hubUrl}` : '',
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`hopscope: ${error.message} [${error.code}]`);
  } else {
    console.error(`hopscope: ${(error as Error)?.message ?? String(error)}`);
  }
  process.exit(1);
});
