import { DemoError } from '../errors';
import { exampleDir } from '../package-layout';
import { findPython, namedPython, type PythonChoice } from './python-find';
import { startPythonServer, type PythonServer, type PythonServerOptions } from './python-process';

/**
 * The example FastAPI app (examples/fastapi) for `hopscope demo --fastapi` and the tests: under
 * uvicorn (one process, the dev setup, or `--workers N`) and under Gunicorn's uvicorn workers.
 */
export const FASTAPI_EXAMPLE_DIR = exampleDir('fastapi');
const MODULES = ['fastapi', 'uvicorn'];

/** The Python the FastAPI stack runs under, with Gunicorn; throws the catalogue error naming what to install. */
export function requireFastAPIStack(): PythonChoice {
  const { choice, tried } = findPython(MODULES);
  if (choice?.gunicorn) return choice;
  const what = choice ? 'gunicorn' : 'FastAPI and uvicorn (for python3)';
  throw new DemoError(
    'HOPSCOPE_DEMO_PREREQUISITE_MISSING',
    `hopscope demo --fastapi needs ${what} (${tried.join('; ') || `${choice?.description ?? 'no python3'} has no gunicorn`}). ` +
      'On Debian or Ubuntu: sudo apt-get install python3-fastapi python3-uvicorn gunicorn. ' +
      'Elsewhere: pip install -r examples/fastapi/requirements.txt into the Python that is first on PATH.',
  );
}

/** `uvicorn app:app` in one process, or with `--workers N` (N processes, one event loop each). */
export function startUvicorn(options: PythonServerOptions & { workers?: number }): Promise<PythonServer> {
  const choice = fastapiPython(options);
  const workers = options.workers ? ['--workers', String(options.workers)] : [];
  return startPythonServer(
    {
      command: choice.python,
      args: (port, host) => ['-m', 'uvicorn', '--host', host, '--port', String(port), '--log-level', 'warning', ...workers, 'app:app'],
      cwd: FASTAPI_EXAMPLE_DIR,
      description: `uvicorn${options.workers ? ` --workers ${options.workers}` : ''} under ${choice.description}`,
    },
    options,
  );
}

/** `gunicorn -k uvicorn.workers.UvicornWorker -w N app:app` (gunicorn.conf.py names the worker class). */
export function startGunicornUvicorn(options: PythonServerOptions & { workers?: number }): Promise<PythonServer> {
  const choice = fastapiPython(options);
  const [command, ...prefix] = choice.gunicorn ?? ['gunicorn'];
  const workers = options.workers ?? 4;
  return startPythonServer(
    {
      command: command!,
      args: () => [...prefix, '-c', 'gunicorn.conf.py', 'app:app'],
      cwd: FASTAPI_EXAMPLE_DIR,
      listenEnv: (host, port) => ({ BIND: `${host}:${port}`, GUNICORN_WORKERS: String(workers) }),
      description: `gunicorn -k uvicorn.workers.UvicornWorker -w ${workers} (${[command, ...prefix].join(' ')}) under ${choice.description}`,
    },
    options,
  );
}

function fastapiPython(options: PythonServerOptions): PythonChoice {
  if (options.python) return namedPython(options.python);
  return requireFastAPIStack();
}
