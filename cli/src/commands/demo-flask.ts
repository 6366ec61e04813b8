import { requirePythonStack, startFlaskDevServer, startGunicorn } from '@hopscope/demo';
import type { CliOptions } from '../options';
import type { HopscopeOptions, RunningHopscope } from '../start';
import { startPythonDemo } from './python-demo';

/**
 * `hopscope demo --flask`: the example Flask app under Werkzeug's development
 * server (`flask-dev`) and under `gunicorn -w N` (`gunicorn`).
 */
export function startFlaskDemoStack(options: CliOptions, common: HopscopeOptions): Promise<RunningHopscope> {
  return startPythonDemo(
    {
      checkPrerequisites: () => void requirePythonStack(),
      servers: [
        ['flask-dev', (launch) => startFlaskDevServer({ ...launch, serviceName: 'flask-dev' })],
        ['gunicorn', (launch) => startGunicorn({ ...launch, serviceName: 'gunicorn', workers: options.workers })],
      ],
      describe: (servers) => `Flask example: ${servers.map((s) => s.description).join('; ')}`,
    },
    common,
  );
}
