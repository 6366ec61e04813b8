import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, vi } from 'vitest';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { Hop, Trace } from '@hopscope/shared';
import { getJson } from '../support/http';
import type { PythonServer } from '@hopscope/demo';
import type { Prerequisite } from '../support/prerequisites';

/**
 * The two Pythons the real-stack tests run every framework under: Debian's (python3-fastapi
 * 0.92, python3-uvicorn 0.17, python3-django 3.2, gunicorn 20.1) and a virtualenv with the
 * current releases from PyPI, pinned in integrations/wsgi/tests/requirements-current.txt.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REQUIREMENTS = 'integrations/wsgi/tests/requirements-current.txt';
export const CURRENT_VENV = process.env.HOPSCOPE_PYTHON_VENV ?? path.join(ROOT, 'node_modules/.cache/hopscope/python-current');
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const CURRENT_PYTHON = path.join(CURRENT_VENV, 'bin', 'python3');

const imports = (python: string, modules: string) =>
  existsSync(python) && spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 30_000 }).status === 0;

export const DEBIAN_FASTAPI: Prerequisite = {
  name: "FastAPI, uvicorn and Gunicorn for Debian's python3",
  apt: 'python3-fastapi python3-uvicorn gunicorn',
  present: () => imports(DEBIAN_PYTHON, 'fastapi, uvicorn, gunicorn'),
};
export const DEBIAN_DJANGO: Prerequisite = {
  name: "Django and Gunicorn for Debian's python3",
  apt: 'python3-django gunicorn',
  present: () => imports(DEBIAN_PYTHON, 'django, gunicorn'),
};
export const CURRENT_RELEASES: Prerequisite = {
  name: `the virtualenv of current releases at ${CURRENT_VENV} (python3 -m venv ${CURRENT_VENV} && ${CURRENT_VENV}/bin/pip install -r ${REQUIREMENTS})`,
  apt: 'python3-venv',
  present: () => imports(CURRENT_PYTHON, 'fastapi, uvicorn, gunicorn, django, flask, sqlalchemy, requests'),
};

/** Each Python a suite runs under: a label for titles, the interpreter (undefined: the launcher's own choice), what it needs. */
export interface PythonUnderTest {
  label: string;
  python: string;
  needs: Prerequisite;
}

export const FASTAPI_PYTHONS: PythonUnderTest[] = [
  { label: "Debian's FastAPI 0.92 / uvicorn 0.17", python: DEBIAN_PYTHON, needs: DEBIAN_FASTAPI },
  { label: 'current FastAPI / uvicorn from PyPI', python: CURRENT_PYTHON, needs: CURRENT_RELEASES },
];

export const DJANGO_PYTHONS: PythonUnderTest[] = [
  { label: "Debian's Django 3.2", python: DEBIAN_PYTHON, needs: DEBIAN_DJANGO },
  { label: 'current Django from PyPI', python: CURRENT_PYTHON, needs: CURRENT_RELEASES },
];

const appReported = (t: Trace) => t.hops.some((h) => h.hop === 'gateway' && h.measured);
/** The app's view span is in (not just synthesized from Server-Timing). */
export const viewReported = (t: Trace) => t.hops.some((h) => h.hop === 'view' && h.measured);
export const hopOf = (trace: Trace, name: string): Hop => trace.hops.find((h) => h.hop === name)!;

/** The first finished trace of `target` for `pathname` that `ready` accepts (by default: once the app's spans are in), in full. */
export function finishedTrace(
  hubUrl: string,
  target: string,
  pathname: string,
  ready: (t: Trace) => boolean = appReported,
): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const traces = await getJson<Trace[]>(`${hubUrl}/api/traces?limit=500&target=${target}`);
      const trace = traces.find((t) => t.path === pathname && !t.inFlight && ready(t));
      if (!trace) throw new Error(`no finished ${target} ${pathname} trace yet`);
      return getJson<Trace>(`${hubUrl}/api/traces/${trace.traceId}`);
    },
    { timeout: 20_000, interval: 100 },
  );
}

/**
 * Starts servers side by side and adds each that came up to `into` (which afterAll stops), so that
 * one failing to start leaves no other running; then throws the first failure, if any.
 */
export async function startAll(into: PythonServer[], starts: Array<Promise<PythonServer>>): Promise<PythonServer[]> {
  const results = await Promise.allSettled(starts);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  into.push(...started);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return started;
}

/** What every server of a suite is started with: the hub's OTLP endpoint and the Python under test. */
export interface CommonOptions {
  otlpEndpoint: string;
  python: string;
}

/** A suite's hub and the proxy URL of each of its targets, once beforeAll has run. */
export interface SuiteStack {
  readonly hubUrl: string;
  readonly proxy: Record<string, string>;
}

/**
 * In a describe block: one hub, the servers `start` names (target name → server) side by side, a
 * proxy for each, started before the suite's tests and all stopped after them.
 */
export function hubWithTargets(python: string, start: (common: CommonOptions) => Record<string, Promise<PythonServer>>): SuiteStack {
  let stack: RunningHopscope | undefined;
  const servers: PythonServer[] = [];
  const proxy: Record<string, string> = {};
  beforeAll(async () => {
    stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
    const starts = start({ otlpEndpoint: otlpBase(stack.otlpUrl), python });
    const names = Object.keys(starts);
    const started = await startAll(servers, Object.values(starts));
    const infos = await stack.addTargets(names.map((name, i) => ({ name, url: started[i]!.url })));
    for (const info of infos) proxy[info.name] = info.proxy;
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });
  return {
    get hubUrl() {
      return stack!.hubUrl;
    },
    proxy,
  };
}
