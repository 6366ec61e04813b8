import { findCommand } from './command-line';
import { OPTIONS, type OptionSpec } from './options';

const USAGE = `hopscope — see how each request travels through your web stack, hop by hop.

Usage:
  hopscope                                  built-in demo: hub, dashboard, "dev" and "workers" targets
  hopscope demo [--flask]                   the same; --flask runs the example Flask app under the
                                            Werkzeug dev server and gunicorn -w 4 instead
  hopscope demo --fastapi                   the example FastAPI app under uvicorn and Gunicorn's
                                            uvicorn workers instead
  hopscope up --target NAME=URL [...]       a tracing proxy in front of each of your app servers
  hopscope compare A B [options]            the same load through each target, side by side
                                            (hopscope compare --help for its options)
  hopscope demo --scenario talk             the demo plus a scripted, captioned talk sequence
  hopscope demo|up ... --record FILE        also record every finished span to FILE (OTLP JSON lines)
  hopscope replay FILE                      play a recording in the dashboard (no target, no network)
  hopscope export FILE [--out OUT.html]     one self-contained HTML file that plays the recording

hopscope COMMAND --help shows one command's options.

Options:`;

const FOOTER = `Apps export OTLP to the hub: http://127.0.0.1:4318 over HTTP (the Node SDK's default) or
http://127.0.0.1:4317 over gRPC (the Python SDK's default); traces are shown, log records
with a trace id appear with their trace, metrics are accepted and dropped.
Environment: OTEL_EXPORTER_OTLP_ENDPOINT also exports every span to an OTLP/HTTP backend
(Jaeger, Tempo, an OpenTelemetry Collector).
In the dashboard, press ? for the keys (slow motion, presentation mode, replay).
Docs: README.md (in the package and the repository).`;

/** `hopscope --help`, or `hopscope COMMAND --help` for one command's usage and options. */
export function helpText(command?: string): string {
  const spec = command ? findCommand(command) : undefined;
  if (!spec) return `${USAGE}\n${OPTIONS.map(optionRow).join('\n')}\n\n${FOOTER}`;
  const options = [...spec.flags, 'help'].map((flag) => OPTIONS.find((o) => o.flag === flag)!);
  return `Usage: ${spec.usage}\n\n${spec.summary}\n\nOptions:\n${options.map(optionRow).join('\n')}`;
}

function optionRow(o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : ''}--${o.flag}${o.kind === 'boolean' ? '' : ' ' + (o.kind === 'string' ? 'VALUE' : 'N')}`;
  const extra = [o.defaultValue !== undefined ? `default ${o.defaultValue}` : '', o.env ? `env ${o.env}` : ''].filter(Boolean).join('; ');
  return `  ${flag.padEnd(24)} ${o.help}${extra ? ` (${extra})` : ''}`;
}
