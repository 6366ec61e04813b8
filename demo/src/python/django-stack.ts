import { DemoError } from '../errors';
import { exampleDir } from '../package-layout';
import { findPython, namedPython, type PythonChoice } from './python-find';
import { startPythonServer, type PythonServer, type PythonServerOptions } from './python-process';

/** The example Django project (examples/django): under `manage.py runserver` and under Gunicorn. */
export const DJANGO_EXAMPLE_DIR = exampleDir('django');

function djangoPython(options: PythonServerOptions): PythonChoice {
  if (options.python) return namedPython(options.python);
  const { choice, tried } = findPython(['django']);
  if (choice) return choice;
  throw new DemoError(
    'HOPSCOPE_DEMO_PREREQUISITE_MISSING',
    `The Django example needs Django (${tried.join('; ') || 'no python3 found'}). ` +
      'On Debian or Ubuntu: sudo apt-get install python3-django gunicorn. Elsewhere: pip install -r examples/django/requirements.txt.',
  );
}

/** Django's development server (threaded), without the autoreloader's second process. */
export function startDjangoDevServer(options: PythonServerOptions): Promise<PythonServer> {
  const choice = djangoPython(options);
  return startPythonServer(
    {
      command: choice.python,
      args: (port, host) => ['manage.py', 'runserver', '--noreload', `${host}:${port}`],
      cwd: DJANGO_EXAMPLE_DIR,
      listenEnv: (host) => ({ HOST: host }),
      description: `manage.py runserver under ${choice.description}`,
    },
    options,
  );
}

/** `gunicorn shop.wsgi:application -w N` (sync workers). */
export function startDjangoGunicorn(options: PythonServerOptions & { workers?: number }): Promise<PythonServer> {
  const choice = djangoPython(options);
  const [command, ...prefix] = choice.gunicorn ?? ['gunicorn'];
  const workers = options.workers ?? 2;
  return startPythonServer(
    {
      command: command!,
      args: () => [...prefix, '-c', 'gunicorn.conf.py', 'shop.wsgi:application'],
      cwd: DJANGO_EXAMPLE_DIR,
      listenEnv: (host, port) => ({ BIND: `${host}:${port}`, GUNICORN_WORKERS: String(workers), HOST: host }),
      description: `gunicorn -w ${workers} (${[command, ...prefix].join(' ')}) under ${choice.description}`,
    },
    options,
  );
}
