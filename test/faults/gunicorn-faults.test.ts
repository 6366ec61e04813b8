import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { otlpBase, startGunicorn, startHopscope, type PythonServer, type RunningHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { FLASK, GUNICORN_BIN, requirePrerequisites } from '../support/prerequisites';

// Real Gunicorn faults behind the proxy (CI installs gunicorn and fails without it; elsewhere skipped with the reason).
const python = requirePrerequisites([FLASK, GUNICORN_BIN]);
let stack: RunningHopscope;
let gunicorn: PythonServer;
let proxy: string;

beforeAll(async () => {
  if (!python.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  // A 2 s worker timeout instead of 30 s, so the test sees WORKER TIMEOUT quickly.
  gunicorn = await startGunicorn({
    otlpEndpoint: otlpBase(stack.otlpUrl),
    serviceName: 'gunicorn',
    workers: 2,
    env: { GUNICORN_TIMEOUT: '2', ALLOW_CRASH: '1' },
  });
  const [info] = await stack.addTargets([{ name: 'gunicorn', url: gunicorn.url }]);
  proxy = info!.proxy;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await gunicorn?.stop();
});

async function proxyTrace(path: string): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const trace = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=50`)).find((t) => t.path === path && !t.inFlight);
      if (!trace) throw new Error('not finished yet');
      return trace;
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe.skipIf(!python.ok)(`Gunicorn faults through the proxy${python.note}`, () => {
  it("a stuck worker killed by Gunicorn's WORKER TIMEOUT → 502 upstream_reset_before_response, and the next request succeeds", async () => {
    const res = await request(`${proxy}/slow?ms=10000`);
    expect(res.status).toBe(502);
    const trace = await proxyTrace('/slow');
    expect(trace.error).toBe('upstream_reset_before_response');
    await vi.waitFor(() => expect(gunicorn.log()).toContain('WORKER TIMEOUT'), { timeout: 5_000 });
    expect((await request(`${proxy}/items/1`)).status).toBe(200);
  });

  it('a crashing worker → 502 with an error span; Gunicorn boots a new worker and requests keep succeeding', async () => {
    const res = await request(`${proxy}/crash`);
    expect(res.status).toBe(502);
    expect((await proxyTrace('/crash')).error).toBe('upstream_reset_before_response');
    await vi.waitFor(async () => expect((await request(`${proxy}/items/2`)).status).toBe(200), { timeout: 10_000, interval: 200 });
  });
});
