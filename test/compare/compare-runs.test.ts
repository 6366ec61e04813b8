import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { CompareRun } from '@hopscope/shared';
import { formatTable } from '../../cli/src/compare/format';
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
    // Bounds from the arithmetic, not from this machine's speed (a slower machine only adds time):
    // the view sleeps S = 100 ms; N = 4 requests are always outstanding (closed loop) over D = 4 s.
    const S = 100;
    const N = 4;
    const D = 4_000;
    // Throughput: one at a time serves at most 1/S (N/S for N workers), plus the one request that may
    // have started just before the window and ended inside it.
    expect(dev!.throughput).toBeLessThanOrEqual((1_000 / S) * (1 + S / D));
    expect(workers!.throughput).toBeLessThanOrEqual(((N * 1_000) / S) * (1 + S / D));
    // Little's law (N = throughput × mean latency), within the share of the window a request can straddle.
    for (const result of [dev!, workers!]) {
      const littles = (result.throughput * result.latency.mean) / 1_000;
      const edge = result.latency.max / D;
      expect(littles).toBeGreaterThanOrEqual(N * (1 - edge) - 0.1);
      expect(littles).toBeLessThanOrEqual(N * (1 + edge) + 0.1);
    }
    // dev: each request waits for the one in service and the two queued before it, then is served:
    // about N × S, at least 3.5 S (the round trip lets the next one start a little early); most of it queue.
    expect(dev!.latency.p50).toBeGreaterThanOrEqual(3.5 * S);
    expect(dev!.hops.queue!.p50).toBeGreaterThanOrEqual(2 * S);
    // workers ×4: no request waits for a free worker, so its queue hop is small next to dev's. (How much
    // sooner the answers come depends on the CPU this machine leaves to 4 processes: the arithmetic
    // fixes the waits, not the speeds.)
    expect(workers!.latency.p50).toBeGreaterThanOrEqual(S - 1);
    expect(workers!.hops.queue?.p50 ?? 0).toBeLessThan(dev!.hops.queue!.p50 / 2);
    expect(Object.keys(workers!.workers).length).toBe(4);
    const comparison = report.comparisons[0]!;
    expect(comparison.differenceHop).toBe('queue');
    expect(comparison.sentence).toMatch(
      /^workers is \d+(\.\d+)?× faster than dev at p50 \(95% CI .+×\); the difference is in the queue hop/,
    );
  });

  it('compare --path A --path B on one target: N+1 vs join side by side, with queries per request and the finding', async () => {
    const args = ['compare', 'dev', '--path', '/books', '--path', '/books?join=1', '--concurrency', '2', '--duration', '1s'];
    // The warm-up covers the catalogue's first use (sql.js compiles its WebAssembly then).
    const run = await runHopscope([...args, '--warmup', '2s', '--port', hubPort(), '--json'], {}, 60_000);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as CompareRun;
    expect(report.spec).toMatchObject({ targets: ['dev'], by: 'path' });
    const [nPlusOne, join] = report.results;
    expect([nPlusOne!.target, join!.target]).toEqual(['dev /books', 'dev /books?join=1']);
    expect(nPlusOne!.tracedRequests).toBeGreaterThan(0);
    expect(join!.tracedRequests).toBeGreaterThan(0);
    // Every N+1 request ran 11 queries (the list, then one per book) and was flagged; every join request ran one.
    expect(nPlusOne!.calls).toMatchObject({
      queriesPerRequest: 11,
      httpPerRequest: 0,
      findings: { repeated_query: nPlusOne!.tracedRequests },
    });
    expect(join!.calls).toMatchObject({ queriesPerRequest: 1 });
    expect(join!.calls!.findings).toEqual({});
    expect(nPlusOne!.calls!.dbMsPerRequest).toBeGreaterThan(0);
    expect(report.comparisons).toHaveLength(1);
    expect(report.comparisons[0]).toMatchObject({ a: 'dev /books', b: 'dev /books?join=1' });

    // The table shows them as columns of the per-hop table.
    const table = formatTable(report);
    expect(table).toContain('queries/request');
    // …the last three columns of the per-hop table: queries, db ms and HTTP calls per request.
    expect(table).toMatch(/^dev \/books +.* 11 +[\d.]+ +0$/m);
    expect(table).toMatch(/^dev \/books\?join=1 .* 1 +[\d.]+ +0$/m);
  }, 90_000);

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
