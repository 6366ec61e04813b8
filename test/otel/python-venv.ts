import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * A virtualenv with the official OpenTelemetry Python SDK, its web
 * instrumentations and the frameworks, pinned by
 * integrations/otel-python-requirements.txt (the versions
 * test/fixtures/otel-python/ was recorded with), made once from PyPI and
 * reused while the pins stay the same.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REQUIREMENTS = join(ROOT, 'integrations/otel-python-requirements.txt');
const CACHE = join(ROOT, 'node_modules/.cache');
const VENV = join(CACHE, 'otel-venv');
/** Held (mkdir is atomic) while one test file builds the venv; others wait for the stamp. */
const LOCK = join(CACHE, 'otel-venv.lock');
const STAMP = join(VENV, 'requirements.sha256');

export interface OtelVenv {
  ok: boolean;
  /** Why it is missing ('' when ok). */
  reason: string;
  bin(name: string): string;
}

const bin = (name: string) => join(VENV, 'bin', name);

function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } },
      (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}${error && !stderr ? String(error) : ''}` }),
    );
  });
}

/**
 * Makes (or reuses) the virtualenv. Under CI=true a failure throws, naming
 * what to install: a CI without PyPI must not pass by skipping these tests.
 */
export async function otelVenv(env: NodeJS.ProcessEnv = process.env): Promise<OtelVenv> {
  const stamp = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  const ready = () => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp;
  mkdirSync(CACHE, { recursive: true });
  for (let waited = 0; !ready(); waited += 500) {
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test file is building it; a lock older than the build could take is a crashed run's.
      if (waited > 660_000) rmSync(LOCK, { recursive: true, force: true });
      await delay(500);
      continue;
    }
    try {
      return await build(stamp, env);
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  return { ok: true, reason: '', bin };
}

async function build(stamp: string, env: NodeJS.ProcessEnv): Promise<OtelVenv> {
  // Console scripts name their interpreter by absolute path, so the venv is built where it stays; the stamp, written last, marks it whole.
  rmSync(VENV, { recursive: true, force: true });
  const python = env.HOPSCOPE_PYTHON ?? 'python3';
  const steps: Array<[string, string, string[]]> = [
    [`${python} -m venv (on Debian: apt-get install python3-venv)`, python, ['-m', 'venv', VENV]],
    ['pip install -r integrations/otel-python-requirements.txt (needs PyPI)', bin('pip'), ['install', '-q', '-r', REQUIREMENTS]],
  ];
  for (const [what, command, args] of steps) {
    const result = await run(command, args);
    if (result.ok) continue;
    rmSync(VENV, { recursive: true, force: true });
    const reason = `${what} failed: ${result.output.trim().split('\n').slice(-6).join(' | ')}`;
    if (isCi(env)) throw new Error(`CI=true and the OpenTelemetry Python virtualenv could not be made. ${reason}`);
    return { ok: false, reason, bin };
  }
  writeFileSync(STAMP, stamp);
  return { ok: true, reason: '', bin };
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}
