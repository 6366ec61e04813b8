import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GUNICORN, PYTHON } from '@hopscope/demo';
import { CHROMIUM } from './browser';

/**
 * Real software some tests need (Debian packages that `.ci/run` installs).
 * On a developer's machine a missing one skips those tests, with the reason
 * in the suite's title; under `CI=true` it fails the run, naming the package
 * to install: a broken install must not turn into quietly skipped tests.
 */
export interface Prerequisite {
  /** What the tests need, as a reader would name it. */
  name: string;
  /** The Debian package that provides it. */
  apt: string;
  present(): boolean;
}

const runs = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;

export const FLASK: Prerequisite = {
  name: 'Flask (for python3)',
  apt: 'python3-flask',
  present: () => runs(PYTHON, ['-c', 'import flask']),
};
export const GUNICORN_BIN: Prerequisite = { name: 'gunicorn', apt: 'gunicorn', present: () => runs(GUNICORN, ['--version']) };
export const CHROMIUM_BIN: Prerequisite = { name: `Chromium (${CHROMIUM})`, apt: 'chromium', present: () => existsSync(CHROMIUM) };
export const WRK: Prerequisite = { name: 'wrk', apt: 'wrk', present: () => runs('sh', ['-c', 'command -v wrk']) };
export const UWSGI_PYTHON3: Prerequisite = {
  name: 'uWSGI with its python3 plugin',
  apt: 'uwsgi uwsgi-plugin-python3',
  present: () => runs('uwsgi', ['--plugin', 'python3', '--version']),
};
export const NGINX: Prerequisite = {
  name: 'nginx',
  apt: 'nginx',
  present: () => runs('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']),
};

export interface Availability {
  /** Every prerequisite is present. */
  ok: boolean;
  /** '' when ok; otherwise " (skipped: missing …)", for a suite's title. */
  note: string;
}

/** Whether `needed` are all present; throws under CI=true when one is not. */
export function requirePrerequisites(
  needed: readonly Prerequisite[],
  env: NodeJS.ProcessEnv = process.env,
  cache: Map<Prerequisite, boolean> = PRESENT,
): Availability {
  const missing = needed.filter((p) => {
    if (!cache.has(p)) cache.set(p, p.present());
    return !cache.get(p);
  });
  if (missing.length === 0) return { ok: true, note: '' };
  const what = missing.map((p) => p.name).join(', ');
  const install = `apt-get install ${missing.map((p) => p.apt).join(' ')}`;
  if (isCi(env)) throw new Error(`CI=true and ${what} missing: these tests would be skipped. Install it (${install}; .ci/run does).`);
  return { ok: false, note: ` (skipped: missing ${what}; ${install})` };
}

const PRESENT = new Map<Prerequisite, boolean>();

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}
