import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { CompareRun } from '@hopscope/shared';
import { runHopscope } from '../support/bin';
import { startUpstream } from '../support/upstream';

let stack: RunningHopscope;
beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 4 });
});
afterAll(async () => stack?.close());

const hubPort = () => new URL(stack.hubUrl).port;

describe('hopscope compare against the demo targets', () => {
  it('matches the queueing arithmetic: dev serialises a 100 ms view, workers ×4 run them side by side', async () => {
    const run = await runHopscope(
      [
        'compare',
        'dev',
        'workers',
        '--path',
        '/slow?ms=100',
        '--concurrency',
        '4',
        '--duration',
        '4s',
        '--warmup',
        '500ms',
        '--port',
        hubPort(),
        '--json',
      ],
      {},
      60_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as CompareRun;
    const [dev, workers] = report.results;
    // dev: one at a time → ~10 requests/s, ~400 ms, ~300 ms of it waiting in the queue hop.
    expect(dev!.throughput).toBeGreaterThan(8);
    expect(dev!.throughput).toBeLessThan(10.5);
    expect(dev!.latency.p50).toBeGreaterThan(350);
    expect(dev!.latency.p50).toBeLessThan(480);
    expect(dev!.hops.queue!.p50).toBeGreaterThan(250);
    expect(dev!.hops.queue!.p50).toBeLessThan(380);
    // workers ×4: ~40 requests/s at ~100 ms, hardly any waiting.
    expect(workers!.throughput).toBeGreaterThan(30);
    expect(workers!.throughput).toBeLessThan(41);
    expect(workers!.latency.p50).toBeGreaterThan(95);
    expect(workers!.latency.p50).toBeLessThan(160);
    expect(Object.keys(workers!.workers).length).toBe(4);
    const comparison = report.comparisons[0]!;
    expect(comparison.differenceHop).toBe('queue');
    expect(comparison.sentence).toMatch(
      /^workers is \d+(\.\d+)?× faster than dev at p50 \(95% CI .+×\); the difference is in the queue hop/,
    );
  });

  it('prints a table by default and Markdown on request; runs are saved by the hub', async () => {
    const table = await runHopscope(
      ['compare', 'dev', 'workers', '--path', '/items/1', '--requests', '50', '--warmup', '0', '--port', hubPort()],
      {},
      60_000,
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^target\s+req\/s\s+p50 ms/m);
    expect(table.stdout).toMatch(/^workers\s+\d/m);
    const markdown = await runHopscope(
      ['compare', 'dev', 'workers', '--requests', '30', '--warmup', '0', '--port', hubPort(), '--markdown'],
      {},
      60_000,
    );
    expect(markdown.stdout).toContain('| target | req/s | p50 ms |');
    const saved = (await fetch(`${stack.hubUrl}/api/compare`).then((r) => r.json())) as Array<{ status: string }>;
    expect(saved.length).toBeGreaterThanOrEqual(3);
    expect(saved.every((r) => r.status === 'done')).toBe(true);
  });

  it('says which targets exist when one is unknown, and how to start a hub when none answers', async () => {
    const unknown = await runHopscope(['compare', 'dev', 'nope', '--port', hubPort()]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No target "nope"; the hub has dev, workers');
    const noHub = await runHopscope(['compare', 'a', 'b', '--port', '1']);
    expect(noHub.code).not.toBe(0);
    expect(noHub.stderr).toContain('npx hopscope');
  });

  it('compares URLs directly with --target, without a hub', async () => {
    const fast = await startUpstream((_req, res) => res.end('fast'));
    const slow = await startUpstream((_req, res) => setTimeout(() => res.end('slow'), 30));
    try {
      const run = await runHopscope(
        [
          'compare',
          '--target',
          `fast=${fast.url}`,
          '--target',
          `slow=${slow.url}`,
          '--duration',
          '1s',
          '--warmup',
          '0',
          '--concurrency',
          '2',
          '--json',
        ],
        {},
        60_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as CompareRun;
      expect(report.results.map((r) => r.target)).toEqual(['fast', 'slow']);
      expect(report.comparisons[0]!.sentence).toMatch(/^slow is [\d.]+× slower than fast at p50/);
    } finally {
      await fast.close();
      await slow.close();
    }
  });
});
