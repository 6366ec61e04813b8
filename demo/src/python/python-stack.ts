import { existsSync } from 'node:fs';
import { DemoError } from '../errors';
import { exampleDir } from '../package-layout';
import { findPython, namedPython, type PythonChoice } from './python-find';
import { startPythonServer, type PythonServer, type PythonServerOptions } from './python-process';

/**
 * The real Python stack for `hopscope demo --flask` (and the Flask tests):
 * the example app under Flask's development server and under Gunicorn, run by
 * the first python3 on PATH that has Flask, else Debian's (python-find.ts).
 */
export const EXAMPLE_DIR = exampleDir('flask');
/** Debian's interpreter and Gunicorn when installed: what the tests' prerequisites check (apt packages). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const GUNICORN = existsSync('/usr/bin/gunicorn') ? '/usr/bin/gunicorn' : 'gunicorn';

const FLASK_MODULES = ['flask'];

export function missingPythonPrerequisites(): string[] {
  const { choice } = findPython(FLASK_MODULES);
  const missing: string[] = [];
  if (!choice) missing.push('Flask (for python3)');
  if (!choice?.gunicorn) missing.push('gunicorn');
  return missing;
}

/** The Python the Flask stack runs under; throws the catalogue error naming what to install when there is none. */
export function requirePythonStack(): PythonChoice {
  const { choice, tried } = findPython(FLASK_MODULES);
  const missing = missingPythonPrerequisites();
  if (choice && missing.length === 0) return choice;
  throw new DemoError(
    'HOPSCOPE_DEMO_PREREQUISITE_MISSING',
    `hopscope demo --flask needs ${missing.join(' and ')} (${tried.join('; ') || 'no python3 found'}). ` +
      'On Debian or Ubuntu: sudo apt-get install python3-flask gunicorn. ' +
      'Elsewhere: pip install flask gunicorn into the Python that is first on PATH.',
  );
}

export type { PythonServer, PythonServerOptions };

/** The example app on Flask's (threaded) development server. */
export function startFlaskDevServer(options: PythonServerOptions): Promise<PythonServer> {
  const choice = flaskPython(options);
  return startPythonServer(
    {
      command: choice.python,
      args: () => ['app.py'],
      cwd: EXAMPLE_DIR,
      listenEnv: (host, port) => ({ HOST: host, PORT: String(port) }),
      description: `Flask's development server under ${choice.description}`,
    },
    options,
  );
}

/** The example app under `gunicorn -w N` (sync workers); `extraArgs` e.g. ['--preload']. */
export function startGunicorn(options: PythonServerOptions & { workers?: number; extraArgs?: string[] }): Promise<PythonServer> {
  const choice = flaskPython(options);
  const [command, ...prefix] = choice.gunicorn ?? [GUNICORN];
  return startPythonServer(
    {
      command: command!,
      args: () => [...prefix, '-c', 'gunicorn.conf.py', ...(options.extraArgs ?? []), 'app:app'],
      cwd: EXAMPLE_DIR,
      listenEnv: (host, port) => ({ BIND: `${host}:${port}`, GUNICORN_WORKERS: String(options.workers ?? 4) }),
      description: `gunicorn -w ${options.workers ?? 4} (${[command, ...prefix].join(' ')}) under ${choice.description}`,
    },
    options,
  );
}

function flaskPython(options: PythonServerOptions): PythonChoice {
  if (options.python) return namedPython(options.python);
  return findPython(FLASK_MODULES).choice ?? { python: PYTHON, description: PYTHON, gunicorn: [GUNICORN] };
}
