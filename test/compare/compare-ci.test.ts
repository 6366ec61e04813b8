import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { runHopscope } from '../support/bin';
import { startUpstream } from '../support/upstream';

/**
 * `hopscope compare` in CI against a hub that requires a token (the compose
 * setup's): the token, a report file per format, and `--fail-if` thresholds
 * that turn a slow target into a failing exit status. Short runs (a few
 * dozen requests): what is checked is the plumbing, not this machine's speed.
 */
const TOKEN = 'ci-token';
const SLOW_MS = 60;
let stack: RunningHopscope;
const upstreams: Array<{ close: () => Promise<void> }> = [];
const dir = mkdtempSync(join(tmpdir(), 'hopscope-compare-ci-'));

beforeAll(async () => {
  const fast = await startUpstream((_req, res) => res.end('fast'));
  const slow = await startUpstream((_req, res) => setTimeout(() => res.end('slow'), SLOW_MS));
  upstreams.push(fast, slow);
  stack = await startHopscope({
    targets: [
      { name: 'fast', url: fast.url },
      { name: 'slow', url: slow.url },
    ],
    token: TOKEN,
    port: 0,
    otlpPort: 0,
    proxyPort: 0,
  });
}, 120_000);
afterAll(async () => {
  await stack?.close();
  for (const upstream of upstreams) await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

const hubPort = () => new URL(stack.hubUrl).port;
// A hostile path: it is the run's own text, and the HTML report must keep it inert.
const HOSTILE = '/<script>alert(1)</script>';
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runHopscope(
    ['compare', 'fast', 'slow', '--requests', '24', '--concurrency', '2', '--warmup', '0', '--port', hubPort(), ...args],
    { HOPSCOPE_TOKEN: '', ...env },
    90_000,
  );

describe('hopscope compare for CI, against a hub with a token', () => {
  it('without the token, says the hub needs one and how to give it', async () => {
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[HOPSCOPE_CLI_HUB_UNAUTHORIZED]');
    expect(result.stderr).toContain('--token');
    const wrong = await run(['--token', 'nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the token');
  }, 120_000);

  it('--fail-if on the slow target exits 2 naming it; --out report.html is self-contained, with histograms, the path inert', async () => {
    const file = join(dir, 'report.html');
    const result = await run(
      [
        '--path',
        HOSTILE,
        '--out',
        file,
        // Holds by construction: the slow upstream answers after SLOW_MS; the other two hold nowhere.
        '--fail-if',
        `slow:p50>=${SLOW_MS - 5}ms`,
        '--fail-if',
        'fast:p50>10s',
        '--fail-if',
        'errors>0',
      ],
      {
        HOPSCOPE_TOKEN: TOKEN,
      },
    );
    expect(result.code, result.stderr).toBe(2);
    // The slow target is named with its measured p50, once; the thresholds that hold nowhere are not.
    const crossed = result.stderr.split('\n').filter((line) => line.includes('HOPSCOPE_CLI_THRESHOLD_CROSSED'));
    expect(crossed).toHaveLength(1);
    expect(crossed[0]).toMatch(/^hopscope compare: slow: p50 was \d+\.\d ms, and --fail-if 'slow:p50>=55ms' holds/);
    expect(result.stdout).toMatch(/^target\s+req\/s/m);

    const html = readFileSync(file, 'utf8');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|@import|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // One histogram line per target, each with the share of requests per bucket.
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html).toContain('<title>fast</title>');
    expect(html).toContain('<title>slow</title>');
    expect(html).toMatch(/class="crossed">failed: slow: p50 was/);
    expect(html).toContain('passed: --fail-if errors&gt;0');
    expect(html).toContain('passed: --fail-if fast:p50&gt;10s');
  }, 120_000);

  it('--out report.json and report.md carry the results and the thresholds; thresholds that hold nowhere exit 0', async () => {
    const json = join(dir, 'report.json');
    const passing = await run(['--out', json, '--fail-if', 'slow:p50>10s', '-H', 'Authorization: Bearer secret-value'], {
      HOPSCOPE_TOKEN: TOKEN,
    });
    expect(passing.code, passing.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      spec: { headers: Record<string, string> };
      results: Array<{ target: string; requests: number; histogram: Array<{ le: number; share: number }> }>;
      thresholds: Array<{ text: string; crossed: string[] }>;
    };
    expect(report.results.map((r) => r.target)).toEqual(['fast', 'slow']);
    for (const r of report.results) {
      expect(r.requests).toBe(24);
      expect(r.histogram.reduce((sum, b) => sum + b.share, 0)).toBeCloseTo(1, 5);
    }
    expect(report.thresholds).toEqual([{ text: 'slow:p50>10s', crossed: [] }]);
    // A report is an artifact others read: the credential's header stays, its value does not.
    expect(report.spec.headers).toEqual({ Authorization: '[redacted]' });
    expect(readFileSync(json, 'utf8')).not.toContain('secret-value');

    const md = join(dir, 'report.md');
    const markdown = await run(['--out', md, '--fail-if', 'fast:throughput<0.001'], { HOPSCOPE_TOKEN: TOKEN });
    expect(markdown.code, markdown.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('- passed: `--fail-if fast:throughput<0.001`');
    expect(text).toMatch(/^\| target \| req\/s \| p50 ms/m);
  }, 180_000);

  it('a bad --fail-if or --out is refused before any load is sent', async () => {
    const before = [...stack.hub.store.traces()].length;
    for (const [args, code] of [
      [['--fail-if', 'p99>>200ms'], 'HOPSCOPE_CLI_BAD_THRESHOLD'],
      [['--out', join(dir, 'report.txt')], 'HOPSCOPE_CLI_BAD_OPTION'],
    ] as const) {
      const result = await run([...args], { HOPSCOPE_TOKEN: TOKEN });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`[${code}]`);
    }
    expect([...stack.hub.store.traces()].length).toBe(before);
  }, 120_000);
});
