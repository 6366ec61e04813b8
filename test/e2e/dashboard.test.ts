import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { launchBrowser } from '../support/browser';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

let stack: RunningHopscope;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const proxyOf = (name: string) => stack.targets.find((t) => t.name === name)!.proxy;

beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2 });
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(stack.hubUrl);
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

async function hubHas(predicate: (t: Trace) => boolean): Promise<Trace> {
  return vi.waitFor(
    async () => {
      const trace = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=100`)).find(predicate);
      if (!trace) throw new Error('not in the hub yet');
      return trace;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('the live dashboard', () => {
  it('lists a request made through a proxy and shows its waterfall with the hops in order', async () => {
    await request(`${proxyOf('workers')}/items/42`);
    const trace = await hubHas((t) => t.path === '/items/42' && t.hops.some((h) => h.hop === 'view' && h.measured));
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${trace.traceId}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('/items/:id');
    await row.click();
    await expect
      .poll(() => page.getByTestId('waterfall-hop').evaluateAll((els) => els.map((e) => e.getAttribute('data-hop'))))
      .toEqual(['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
    // The worker that served it has a lane in the diagram.
    await page.getByTestId(`lane-${trace.worker}`).waitFor();
  });

  it('saves a screenshot with live traffic (docs/dashboard.png when UPDATE_SCREENSHOT=1)', async () => {
    if (await page.getByTestId('unfollow').isVisible()) await page.getByTestId('unfollow').click();
    const until = Date.now() + 8_000;
    let sent = 0;
    const clients = [0, 1, 2, 3, 4, 5].map(async (i) => {
      while (Date.now() < until && sent < 3_000) {
        sent++;
        const target = i % 2 === 0 ? 'dev' : 'workers';
        const path = i === 5 ? '/error' : i < 2 ? '/slow?ms=250' : '/cpu?ms=30';
        await request(`${proxyOf(target)}${path}`);
      }
    });
    await expect.poll(() => page.getByTestId('particle').count(), { timeout: 10_000 }).toBeGreaterThan(2);
    for (const target of ['dev', 'workers']) {
      await expect.poll(() => page.getByTestId(`counters-${target}`).textContent(), { timeout: 10_000 }).toMatch(/req\/s[1-9]/);
    }
    // Kept as a test artifact (test-results/, ignored by git); UPDATE_SCREENSHOT=1 refreshes the README's picture.
    const path = new URL(
      process.env.UPDATE_SCREENSHOT === '1' ? '../../docs/dashboard.png' : '../../test-results/dashboard.png',
      import.meta.url,
    ).pathname;
    await page.screenshot({ path });
    await Promise.all(clients);
  });
  it('animates requests as particles moving through the stations', async () => {
    const slow = request(`${proxyOf('dev')}/slow?ms=1500`);
    await expect.poll(() => page.locator('[data-testid=particle][data-station=view]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await slow;
  });

  it('shows a failed request in red with its status, and the exception in the waterfall', async () => {
    await request(`${proxyOf('dev')}/error`);
    const trace = await hubHas((t) => t.path === '/error' && t.hops.some((h) => h.error));
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${trace.traceId}"]`);
    await row.waitFor();
    await expect.poll(() => row.getAttribute('class')).toContain('failed');
    await expect.poll(() => row.textContent()).toContain('500');
    await row.click();
    await expect.poll(() => page.getByTestId('exception').textContent()).toContain('RangeError');
  });

  it('renders what comes from spans as text, never as HTML', async () => {
    const evil = '<img src=x onerror=window.__pwned=1>';
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'ab'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  name: evil,
                  kind: 2,
                  startTimeUnixNano: `${Date.now()}000000`,
                  endTimeUnixNano: `${Date.now() + 5}000000`,
                  attributes: [
                    { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
                    { key: 'url.path', value: { stringValue: evil } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    await fetch(stack.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${'ab'.repeat(16)}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(evil);
    await row.click();
    await page.getByTestId('waterfall-hop').first().waitFor();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('sends a request from the page through the proxy, with the browser hop measured first', async () => {
    await page.getByTestId('send-target').selectOption('dev');
    await page.getByTestId('send-path').fill('/items/99');
    await page.getByTestId('send-button').click();
    await expect.poll(() => page.getByTestId('send-result').textContent()).toMatch(/^200 in/);
    const traceId = await page.getByTestId('send-result').getAttribute('data-trace-id');
    const trace = await hubHas(
      (t) => t.traceId === traceId && t.hops[0]?.hop === 'client' && t.hops.some((h) => h.hop === 'view' && h.measured),
    );
    expect(trace.hops.map((h) => h.hop)).toEqual(['client', 'proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response']);
    await expect.poll(() => page.getByTestId('waterfall-hop').first().getAttribute('data-hop')).toBe('client');
  });

  it('pause stops the list from updating; resume catches up', async () => {
    await page.getByTestId('pause').click();
    await request(`${proxyOf('workers')}/items/7001`);
    const trace = await hubHas((t) => t.path === '/items/7001' && !t.inFlight);
    const ticks = Number(await page.evaluate(() => document.body.dataset.ticks));
    await page.waitForFunction((n) => Number(document.body.dataset.ticks) >= n + 3, ticks);
    expect(await page.locator(`[data-testid=trace-row][data-trace-id="${trace.traceId}"]`).count()).toBe(0);
    await page.getByTestId('pause').click();
    await page.locator(`[data-testid=trace-row][data-trace-id="${trace.traceId}"]`).waitFor();
  });

  it('a page from another origin cannot open the live stream', async () => {
    const other = await startUpstream((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    try {
      const foreign = await browser.newPage();
      await foreign.goto(other.url);
      const outcome = await foreign.evaluate(
        (hub) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`${hub.replace('http', 'ws')}/api/live`);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        stack.hubUrl,
      );
      expect(outcome).toBe('refused');
      await foreign.close();
    } finally {
      await other.close();
    }
  });
});

describe('the Compare view', () => {
  it('starts a run from the dashboard, shows its progress, the sentence, the table and the histograms, and keeps it', async () => {
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-a').selectOption('dev');
    await page.getByTestId('compare-b').selectOption('workers');
    await page.getByTestId('compare-path').fill('/slow?ms=50');
    await page.getByTestId('compare-concurrency').fill('4');
    await page.getByTestId('compare-seconds').fill('2');
    await page.getByTestId('compare-start').click();
    await expect.poll(() => page.getByTestId('compare-status').textContent(), { timeout: 30_000 }).toBe('done');
    await expect
      .poll(() => page.getByTestId('compare-sentence').first().textContent())
      .toMatch(/^workers is [\d.]+× faster than dev at p50/);
    expect(await page.getByTestId('compare-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('compare-histogram').locator('path.histogram-line').count()).toBe(2);
    await expect.poll(() => page.getByTestId('compare-saved-run').count()).toBeGreaterThan(0);
    await page.screenshot({ path: new URL('../../test-results/compare.png', import.meta.url).pathname });
  });
});
