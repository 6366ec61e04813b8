import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { LiveMessage, Trace } from '@hopscope/shared';
import { runHopscope } from '../support/bin';
import { getJson } from '../support/http';

type ScenarioMessage = Extract<LiveMessage, { type: 'scenario' }>;

let running: RunningHopscope;
const log: string[] = [];
beforeAll(async () => {
  // 0.05: the ~35 s talk runs in under 2 s; every burst is still bounded by count.
  running = await startHopscope({
    port: 0,
    otlpPort: 0,
    proxyPort: 0,
    scenario: { name: 'talk', timeScale: 0.05, log: (line) => log.push(line) },
  });
});
afterAll(async () => running?.close());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('hopscope demo --scenario talk', () => {
  it('waits for a dashboard, then plays its captioned steps in order on /api/live', async () => {
    expect(log).toEqual([]);
    const ws = new WebSocket(`${running.hubUrl.replace('http', 'ws')}/api/live`);
    const steps: ScenarioMessage[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as LiveMessage;
      if (message.type === 'scenario') steps.push(message);
    });
    try {
      await vi.waitFor(() => expect(steps.at(-1)?.done).toBe(true), { timeout: 30_000, interval: 100 });
    } finally {
      ws.close();
    }
    expect(steps.map((s) => [s.step, s.steps])).toEqual([
      [1, 6],
      [2, 6],
      [3, 6],
      [4, 6],
      [5, 6],
      [6, 6],
    ]);
    expect(steps[2]!.caption).toContain('one by one');
    expect(log.filter((line) => line.startsWith('[')).map((line) => line.slice(0, 5))).toEqual([
      '[1/6]',
      '[2/6]',
      '[3/6]',
      '[4/6]',
      '[5/6]',
      '[6/6]',
    ]);

    // Steps 5 and 6, N+1 vs join: the same page of books from the demo's SQLite catalogue, played in slow motion.
    expect(steps[4]!.caption).toContain('The view ran the same SELECT 10 times — an N+1 query');
    const nPlusOne = await getJson<Trace>(`${running.hubUrl}/api/traces/${steps[4]!.focusTraceId}`);
    expect(nPlusOne).toMatchObject({ target: 'dev', path: '/books', status: 200 });
    expect(nPlusOne.calls).toHaveLength(11);
    expect(nPlusOne.calls!.every((c) => c.kind === 'db' && c.system === 'sqlite' && c.hop === 'view')).toBe(true);
    expect(nPlusOne.findings).toEqual([
      { kind: 'repeated_query', statement: 'SELECT name FROM authors WHERE id = ?', count: 10, totalMs: expect.any(Number) },
    ]);
    const join = await getJson<Trace>(`${running.hubUrl}/api/traces/${steps[5]!.focusTraceId}`);
    expect(join).toMatchObject({ target: 'dev', path: '/books', status: 200 });
    expect(join.calls).toHaveLength(1);
    expect(join.calls![0]!.statement).toContain('JOIN authors');
    expect(join.findings).toBeUndefined();

    // Step 1 names the one request to play in slow motion, already complete in the hub.
    expect(steps[0]!.rate).toBe(0.1);
    const focus = await getJson<Trace>(`${running.hubUrl}/api/traces/${steps[0]!.focusTraceId}`);
    expect(focus).toMatchObject({ target: 'dev', path: '/items/7', status: 200, inFlight: false });
    expect(focus.hops.map((h) => h.hop)).toContain('gateway');

    // Step 3, the CPU-bound burst on both targets: dev makes requests wait in line, the workers do not.
    const cpu = await vi.waitFor(
      async () => {
        const traces = (await getJson<Trace[]>(`${running.hubUrl}/api/traces?limit=1000`)).filter((t) => t.path === '/cpu' && !t.inFlight);
        const queue = (target: string) =>
          traces.filter((t) => t.target === target).map((t) => t.hops.find((h) => h.hop === 'queue')?.duration ?? NaN);
        if (queue('dev').some(Number.isNaN) || queue('workers').some(Number.isNaN)) throw new Error('app spans still arriving');
        return { dev: queue('dev'), workers: queue('workers') };
      },
      { timeout: 10_000 },
    );
    expect(cpu.dev.length).toBeGreaterThanOrEqual(5);
    expect(cpu.workers.length).toBeGreaterThanOrEqual(5);
    expect(median(cpu.dev)).toBeGreaterThan(median(cpu.workers));
  });
});

describe('--scenario on the command line', () => {
  it('refuses an unknown scenario and lists the known ones', async () => {
    const result = await runHopscope(['demo', '--scenario', 'keynote', '--port', '0', '--otlp-port', '0', '--proxy-port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown scenario "keynote": the scenarios are talk');
    expect(result.stderr).toContain('HOPSCOPE_CLI_BAD_OPTION');
  });
});
