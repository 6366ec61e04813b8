import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { launchBrowser } from '../support/browser';
import { request } from '../support/http';
import { otelJson, sdkSpans } from '../recording/otel-spans';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-talk-live-'));
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('talk mode on a live dashboard', () => {
  let stack: RunningHopscope;
  let page: Page;
  beforeAll(async () => {
    stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2 });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(stack.hubUrl);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await stack?.close();
  });

  it('Record, then download: the session as OTLP JSON lines', async () => {
    const record = page.getByTestId('record');
    await record.click();
    await expect.poll(() => record.getAttribute('data-recording')).toBe('true');
    for (let i = 0; i < 3; i++) await request(`${stack.targets[1]!.proxy}/items/${900 + i}`);
    await expect
      .poll(async () => Number(/\((\d+) spans\)/.exec((await record.textContent()) ?? '')?.[1] ?? 0), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3 * 6); // proxy, server, gateway, route, view, response
    await record.click();
    await expect.poll(() => record.getAttribute('data-recording')).toBe('false');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('record-download').click()]);
    const text = await readFile((await download.path())!, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            resourceSpans: Array<{
              scopeSpans: Array<{ spans: Array<{ attributes: Array<{ key: string; value: { stringValue?: string } }> }> }>;
            }>;
          },
      );
    const paths = lines.flatMap((l) =>
      l.resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) =>
          s.spans.flatMap((span) => span.attributes.filter((a) => a.key === 'url.path').map((a) => a.value.stringValue)),
        ),
      ),
    );
    expect(paths).toEqual(expect.arrayContaining(['/items/900', '/items/901', '/items/902']));
  });

  it('Import: a file from the official OpenTelemetry JS exporter replays in the page, then back to live', async () => {
    const file = join(dir, 'from-otel-sdk.jsonl');
    await writeFile(file, `${otelJson(sdkSpans('/imported/1'))}\n${otelJson(sdkSpans('/imported/2'))}\n`);
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('replay');
    await expect.poll(() => page.getByTestId('replay-title').textContent()).toBe('from-otel-sdk.jsonl · 2 requests');
    await expect
      .poll(() => page.getByTestId('trace-row').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('/imported/2'), expect.stringContaining('/imported/1')]);
    await page.getByTestId('back-to-live').click();
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    await expect.poll(() => page.getByTestId('replay-bar').isVisible()).toBe(false);
  });

  it('Import of a file that is not OTLP says what is wrong and keeps the live view', async () => {
    const file = join(dir, 'notes.jsonl');
    await writeFile(file, '{"resourceSpans": []}\nthis is not json\n');
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('caption').textContent()).toContain('line 2 is not JSON');
    expect(await page.getByTestId('connection').textContent()).toBe('live');
  });
});

describe('hopscope demo --scenario talk in the dashboard', () => {
  // The scripted talk runs ~15 s at timeScale 0.25, after the demo's processes start.
  it('shows each caption in turn and plays the first request in slow motion by itself', { timeout: 90_000 }, async () => {
    const stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2, scenario: { name: 'talk', timeScale: 0.25 } });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(stack.hubUrl);
      const caption = page.getByTestId('caption');
      await expect.poll(() => caption.getAttribute('data-step'), { timeout: 15_000 }).toBe('1');
      // The scenario's first request opens in slow motion and plays hop by hop without a click.
      await expect.poll(() => page.getByTestId('slowmo').isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => page.getByTestId('slowmo-title').textContent()).toContain('GET /items/7');
      await expect
        .poll(async () => Number(await page.getByTestId('slowmo-caption').getAttribute('data-step')), { timeout: 15_000 })
        .toBeGreaterThan(1);
      const steps: string[] = [];
      // The caption and slow-motion area keeps one height: the diagram never jumps between steps.
      const areaHeights = new Set<number>();
      await expect
        .poll(
          async () => {
            const step = await caption.getAttribute('data-step');
            if (step && steps.at(-1) !== step) steps.push(step);
            areaHeights.add(Math.round((await page.getByTestId('caption-area').boundingBox())!.height));
            return caption.getAttribute('data-done');
          },
          { timeout: 60_000, interval: 100 },
        )
        .toBe('true');
      expect(steps.map(Number)).toEqual([...steps.map(Number)].sort((a, b) => a - b));
      expect([...areaHeights]).toHaveLength(1);
      // The talk ends on the N+1 steps, each a request of /books in slow motion.
      expect(await page.getByTestId('slowmo-title').textContent()).toContain('GET /books');
    } finally {
      await page.close();
      await stack.close();
    }
  });
});
