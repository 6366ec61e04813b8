import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Which Python runs an example: the `python3` first on PATH (an activated virtualenv, pyenv, a
 * distribution's) when it can import what the example needs, else Debian's `/usr/bin/python3`
 * (where `apt-get install python3-flask` and friends put their packages). Gunicorn runs as
 * `python -m gunicorn` under that same Python, so that its workers import the same packages;
 * only when that Python has no gunicorn module, the `gunicorn` first on PATH, then Debian's.
 */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const DEBIAN_GUNICORN = '/usr/bin/gunicorn';

export interface PythonChoice {
  /** The interpreter to run. */
  python: string;
  /** How to start Gunicorn under it (argv prefix), when it can. */
  gunicorn?: string[];
  /** Which one it is and why, for a person: "python3 on PATH (/venv/bin/python3)". */
  description: string;
}

export interface PythonSearch {
  choice?: PythonChoice;
  /** Each interpreter looked at and what it lacked, when none would do. */
  tried: string[];
}

const cache = new Map<string, PythonSearch>();

/** The first Python (PATH, then Debian's) that imports every one of `modules`; looked up once per process. */
export function findPython(modules: readonly string[], env: NodeJS.ProcessEnv = process.env): PythonSearch {
  const key = `${env.PATH ?? ''}\n${modules.join(',')}`;
  const known = cache.get(key);
  if (known) return known;
  const tried: string[] = [];
  let choice: PythonChoice | undefined;
  const onPath = whichOnPath('python3', env);
  const candidates: Array<[string, string]> = [];
  if (onPath) candidates.push([onPath, `python3 on PATH (${onPath})`]);
  if (isExecutable(DEBIAN_PYTHON) && !(onPath && sameFile(onPath, DEBIAN_PYTHON)))
    candidates.push([DEBIAN_PYTHON, `Debian's ${DEBIAN_PYTHON}`]);
  for (const [python, label] of candidates) {
    if (imports(python, modules)) {
      choice = { python, description: label, gunicorn: gunicornFor(python, env) };
      break;
    }
    tried.push(`${label} has no ${modules.join(', ')}`);
  }
  const found = { choice, tried };
  cache.set(key, found);
  return found;
}

/** The Python a caller named (a virtualenv's, in tests), described the same way. */
export function namedPython(python: string, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  return { python, description: python, gunicorn: gunicornFor(python, env) };
}

function gunicornFor(python: string, env: NodeJS.ProcessEnv): string[] | undefined {
  if (imports(python, ['gunicorn'])) return [python, '-m', 'gunicorn'];
  const binary = whichOnPath('gunicorn', env) ?? (isExecutable(DEBIAN_GUNICORN) ? DEBIAN_GUNICORN : undefined);
  return binary ? [binary] : undefined;
}

function imports(python: string, modules: readonly string[]): boolean {
  const run = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 30_000 });
  return run.status === 0;
}

export function whichOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** /bin/python3 and /usr/bin/python3 are one file on a merged-/usr system, as a pyenv shim is not. */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
