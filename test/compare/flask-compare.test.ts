import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpBase, startFlaskDevServer, startGunicorn, startHopscope, type PythonServer, type RunningHopscope } from '@hopscope/cli';
import type { CompareRun } from '@hopscope/shared';
import { runHopscope } from '../support/bin';
import { FLASK, GUNICORN_BIN, requirePrerequisites } from '../support/prerequisites';

const python = requirePrerequisites([FLASK, GUNICORN_BIN]);
let stack: RunningHopscope;
const servers: PythonServer[] = [];

beforeAll(async () => {
  if (!python.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  const otlpEndpoint = otlpBase(stack.otlpUrl);
  servers.push(
    await startFlaskDevServer({ otlpEndpoint, serviceName: 'flask-dev' }),
    await startGunicorn({ otlpEndpoint, serviceName: 'gunicorn', workers: 4 }),
  );
  await stack.addTargets([
    { name: 'flask-dev', url: servers[0]!.url },
    { name: 'gunicorn', url: servers[1]!.url },
  ]);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

async function compare(path: string, concurrency: number): Promise<CompareRun> {
  const run = await runHopscope(
    [
      'compare',
      'flask-dev',
      'gunicorn',
      '--path',
      path,
      '--concurrency',
      String(concurrency),
      '--duration',
      '3s',
      '--warmup',
      '500ms',
      '--port',
      new URL(stack.hubUrl).port,
      '--json',
    ],
    {},
    60_000,
  );
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as CompareRun;
}

describe.skipIf(!python.ok)(`a real compare of the example Flask app: dev server versus gunicorn -w 4${python.note}`, () => {
  it('CPU-bound: gunicorn wins (the GIL keeps the threaded dev server on one core)', async () => {
    const report = await compare('/cpu?ms=20', 8);
    const [dev, gunicorn] = report.results;
    expect(gunicorn!.latency.p50).toBeLessThan(dev!.latency.p50 * 0.8);
    expect(gunicorn!.throughput).toBeGreaterThan(dev!.throughput);
    expect(report.comparisons[0]!.sentence).toMatch(/^gunicorn is [\d.]+× faster than flask-dev/);
  });

  it('I/O-bound at low concurrency: the threaded dev server holds its own', async () => {
    const report = await compare('/slow?ms=50', 2);
    const [dev, gunicorn] = report.results;
    expect(dev!.latency.p50).toBeLessThan(gunicorn!.latency.p50 * 1.3);
    expect(dev!.throughput).toBeGreaterThan(gunicorn!.throughput * 0.75);
  });
});
