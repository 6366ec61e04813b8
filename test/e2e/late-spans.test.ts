import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import type { Trace } from '@hopscope/shared';
import { launchBrowser } from '../support/browser';
import { getJson, request } from '../support/http';
import { startLateApp } from './late-app';

/** Like an OpenTelemetry SDK's batch delay (5 s by default): spans leave the app seconds after the response. */
const EXPORT_DELAY_MS = 3_000;

let stack: RunningHopscope;
let app: Awaited<ReturnType<typeof startLateApp>>;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const proxy = () => stack.targets[0]!.proxy;
const row = () => page.getByTestId('flow-row-late');
const shot = (name: string) => page.screenshot({ path: new URL(`../../test-results/${name}.png`, import.meta.url).pathname });

beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  app = await startLateApp(stack.otlpUrl, EXPORT_DELAY_MS);
  await stack.addTargets([{ name: 'late', url: app.url }]);
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(stack.hubUrl);
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
  // Every frame, from now on: did the diagram ever draw a request of this app waiting in line?
  await page.evaluate(`
    window.__queued = 0;
    (function look() {
      window.__queued += document.querySelectorAll('[data-testid=flow-row-late] [data-testid=particle][data-station=queue]').length;
      requestAnimationFrame(look);
    })();
  `);
});
afterAll(async () => {
  await closeBrowser?.();
  await app?.close();
  await stack?.close();
});

async function hubHas(predicate: (t: Trace) => boolean, count = 1): Promise<Trace[]> {
  return vi.waitFor(
    async () => {
      const traces = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=100`)).filter(predicate);
      if (traces.length < count) throw new Error('not in the hub yet');
      return traces;
    },
    { timeout: 15_000, interval: 100 },
  );
}

describe('an app whose spans arrive seconds late (an SDK batch delay)', () => {
  it('draws its requests at the server, "not reported yet" — never waiting in line — then their hops once the spans arrive', async () => {
    const requests = [1, 2, 3].map((i) => request(`${proxy()}/work?ms=2000&n=${i}`));
    // While they run: at the server, outlined, counted; no queue on a single-process app.
    await expect.poll(() => row().locator('[data-testid=particle][data-station=unreported]').count(), { timeout: 10_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('unreported-note-late').textContent()).toBe('3 at the server, not reported yet');
    const counters = page.getByTestId('counters-late');
    await expect.poll(() => counters.getByTestId('counter-not-reported').locator('dd').textContent()).toBe('3');
    expect(await counters.getByTestId('counter-queue').locator('dd').textContent()).toBe('0');
    await shot('late-spans-not-reported');
    await Promise.all(requests);

    // The spans come seconds later; the hub then knows the hops, and so does the waterfall.
    const [done] = await hubHas((t) => t.path === '/work' && t.hops.some((h) => h.hop === 'view' && h.measured), 3);
    await page.locator(`[data-testid=trace-row][data-trace-id="${done!.traceId}"]`).click();
    await expect
      .poll(() => page.getByTestId('waterfall-hop').evaluateAll((els) => els.map((e) => e.getAttribute('data-hop'))))
      .toEqual(expect.arrayContaining(['proxy', 'server', 'gateway', 'view']));

    // The header says how late, and what to set; the row is then drawn that far behind.
    const notice = /app spans of late arrive ~(\d+) s late — set OTEL_BSP_SCHEDULE_DELAY=100 .*\(drawn ([\d.]+) s behind live/;
    await expect.poll(() => page.getByTestId('lag-notice').textContent(), { timeout: 15_000 }).toMatch(notice);
    // At least the app's own delay (a loaded machine adds to it), never more than the 10 s cap.
    const [, lagSeconds] = notice.exec((await page.getByTestId('lag-notice').textContent())!)!;
    expect(Number(lagSeconds)).toBeGreaterThanOrEqual(EXPORT_DELAY_MS / 1000);
    await expect
      .poll(async () => Number(notice.exec((await page.getByTestId('lag-notice').textContent())!)![2]), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(EXPORT_DELAY_MS / 1000);
    expect(Number(notice.exec((await page.getByTestId('lag-notice').textContent())!)![2])).toBeLessThanOrEqual(10);

    // Behind by the lag, a new request is drawn with its app's hops: at the view, on the worker's lane.
    const until = Date.now() + 25_000;
    let sent = 0;
    let seenAtView = false;
    const traffic = (async () => {
      while (!seenAtView && Date.now() < until && sent < 20) {
        sent++;
        await request(`${proxy()}/work?ms=1500&m=${sent}`);
      }
    })();
    await expect
      .poll(async () => (seenAtView = (await row().locator('[data-testid=particle][data-station=view]').count()) > 0), {
        timeout: 25_000,
        interval: 100,
      })
      .toBe(true);
    await traffic;
    await shot('late-spans-adapted');
    expect(await page.evaluate(() => (window as unknown as { __queued: number }).__queued)).toBe(0);
  });

  it('shows the whole span tree in the waterfall: a middleware span nested under the gateway, the exception where it was raised', async () => {
    await request(`${proxy()}/fail/7`);
    const [failed] = await hubHas((t) => t.path === '/fail/7' && t.hops.some((h) => h.hop === 'view' && h.measured));
    await page.locator(`[data-testid=trace-row][data-trace-id="${failed!.traceId}"]`).click();
    const middleware = page.locator('[data-testid=waterfall-span]', { hasText: 'middleware - query' });
    await middleware.waitFor();
    const gateway = page.locator('[data-testid=waterfall-span][data-hop=gateway]');
    expect(await middleware.getAttribute('data-hop')).toBeNull();
    expect(Number(await middleware.getAttribute('data-depth'))).toBe(Number(await gateway.getAttribute('data-depth')) + 1);
    await expect.poll(() => page.getByTestId('exception-title').textContent()).toBe('RangeError: item 7 is gone');
    // Where it was raised: the view span's row, then its frames, innermost (the app's handler) first.
    expect(await page.getByTestId('exception').textContent()).toContain('(in request handler · View)');
    expect(await page.getByTestId('exception-frames').locator('li').first().textContent()).toContain('late-app.ts');
    await page
      .getByTestId('waterfall')
      .screenshot({ path: new URL('../../test-results/late-spans-waterfall.png', import.meta.url).pathname });
  });

  it('names the stack: a Node app is "Node http", not WSGI, and the label fits its station box', async () => {
    const station = row().getByTestId('station-gateway');
    await expect.poll(() => station.locator('text.station-label').textContent()).toBe('Node http');
    expect(await page.locator('[data-testid=waterfall-hop][data-hop=gateway] .hop-name').textContent()).toBe('Node http');
    const fits = () =>
      station.evaluate((g) => {
        const label = (g.querySelector('text.station-label') as SVGTextElement).getBBox();
        const box = (g.querySelector('rect') as SVGRectElement).getBBox();
        return label.x >= box.x && label.x + label.width <= box.x + box.width;
      });
    expect(await fits()).toBe(true);
    // And in presentation mode's larger type.
    await page.getByTestId('presentation-toggle').click();
    await expect.poll(fits).toBe(true);
    await page.getByTestId('presentation-toggle').click();
  });
});
