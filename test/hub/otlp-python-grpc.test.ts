import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { Trace } from '@hopscope/shared';
import { request } from '../support/http';

/**
 * The OpenTelemetry Python SDK's default protocol, for real: OTLP/gRPC from
 * `opentelemetry-exporter-otlp-proto-grpc` (PyPI) to the hub's gRPC port.
 * The virtualenv is made once (CI makes it in .ci/run); without PyPI the test
 * is skipped locally and fails under CI=true.
 */
const run = promisify(execFile);
const VENV = process.env.HOPSCOPE_OTEL_PYTHON_VENV ?? '/tmp/hopscope-otel-grpc-venv';
const PYTHON = `${VENV}/bin/python`;
const PACKAGES = ['opentelemetry-sdk==1.45.2', 'opentelemetry-exporter-otlp-proto-grpc==1.45.2'];
const SCRIPT = fileURLToPath(new URL('./python/export_one_span.py', import.meta.url));
const TOKEN = 'py-t0ken';

let unavailable: string | undefined;
const hubs: Hub[] = [];

async function hasPackages(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  return run(PYTHON, ['-c', 'import opentelemetry.sdk.trace, opentelemetry.exporter.otlp.proto.grpc.trace_exporter']).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  if (await hasPackages()) return;
  try {
    await run('python3', ['-m', 'venv', VENV], { timeout: 60_000 });
    await run(`${VENV}/bin/pip`, ['install', '-q', '--disable-pip-version-check', ...PACKAGES], { timeout: 240_000 });
  } catch (error) {
    unavailable = `could not make ${VENV} with ${PACKAGES.join(' ')}: ${(error as Error).message.slice(0, 400)}`;
    return;
  }
  if (!(await hasPackages())) unavailable = `${VENV} lacks ${PACKAGES.join(' ')}`;
}, 330_000);
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});

function requirePython(skip: () => void): void {
  if (!unavailable) return;
  if (process.env.CI === 'true') throw new Error(`The Python OTLP/gRPC test needs a virtualenv: ${unavailable}`);
  skip();
}

async function exportFromPython(hub: Hub, path: string, env: NodeJS.ProcessEnv = {}) {
  return run(PYTHON, [SCRIPT, path], {
    timeout: 60_000,
    // Nothing but the endpoint (and headers) from the environment: the SDK's defaults otherwise, gRPC included.
    env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpGrpcUrl, ...env },
  }).then(
    ({ stdout, stderr }) => ({ ok: true, stdout, stderr }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
}

async function storedTrace(hub: Hub, path: string, headers: Record<string, string> = {}): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const traces = JSON.parse((await request(`${hub.url}/api/traces?limit=50`, { headers })).body) as Trace[];
      const found = traces.find((t) => t.path === path);
      if (!found) throw new Error(`no trace for ${path} yet`);
      return found;
    },
    { timeout: 10_000, interval: 100 },
  );
}

describe('the OpenTelemetry Python SDK, default protocol (OTLP/gRPC)', () => {
  it('exports a span to the hub: SUCCESS, stored with its route', async (ctx) => {
    requirePython(() => ctx.skip());
    const hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0 });
    hubs.push(hub);
    const result = await exportFromPython(hub, '/items/7');
    expect(result.stdout.trim(), result.stderr).toBe('SUCCESS');
    const trace = await storedTrace(hub, '/items/7');
    expect(trace.target).toBe('python-grpc');
    expect(trace.route).toBe('/items/<int:item_id>');
  });

  it('with a token: refused without OTEL_EXPORTER_OTLP_HEADERS, stored with it', async (ctx) => {
    requirePython(() => ctx.skip());
    const hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: 0, token: TOKEN });
    hubs.push(hub);
    const refused = await exportFromPython(hub, '/py-no-token');
    expect(refused.ok).toBe(false);
    expect(refused.stdout.trim()).toBe('FAILURE');
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    const accepted = await exportFromPython(hub, '/py-token', { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${TOKEN}` });
    expect(accepted.stdout.trim(), accepted.stderr).toBe('SUCCESS');
    await storedTrace(hub, '/py-token', { authorization: `Bearer ${TOKEN}` });
  });
});
