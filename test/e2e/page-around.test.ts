import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { Trace } from '@hopscope/shared';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { launchBrowser } from '../support/browser';
import { getJson, request } from '../support/http';
import { startUpstream } from '../support/upstream';

/**
 * The page around the diagram at a laptop's 1366×768: what a newcomer sees
 * first, the live state, the request's detail panel and the Compare view.
 * Two plain in-process upstreams (no demo processes) keep the file quick;
 * `/slow` holds a request long enough to click its particle.
 */
let shop: Awaited<ReturnType<typeof startUpstream>>;
let stack: RunningHopscope;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const errors: string[] = [];
const shot = (name: string) => new URL(`../../test-results/${name}`, import.meta.url).pathname;

beforeAll(async () => {
  shop = await startUpstream((req, res) => {
    if (req.url === '/call') return void callTheOtherService(String(req.headers.traceparent)).then(() => res.end('called'));
    const hold = req.url?.startsWith('/slow') ? 1_500 : 2;
    setTimeout(() => res.end('ok'), hold);
  });
  stack = await startHopscope({
    port: 0,
    otlpPort: 0,
    proxyPort: 0,
    targets: [
      { name: 'shop', url: shop.url },
      { name: 'shop-copy', url: shop.url },
    ],
  });
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
  page.on('pageerror', (error) => void errors.push(error.message));
  await page.goto(stack.hubUrl);
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
  await shop?.close();
});

describe('the page around the diagram', () => {
  it('a live page load logs no console error and shows a newcomer where to send requests', async () => {
    await expect.poll(() => page.getByTestId('empty-state').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('empty-curl').allTextContents()).toEqual(stack.targets.map((t) => `curl -i ${t.proxy}/`));
    // Before the first request the counters say there is nothing yet, not "0.00 ms".
    await expect.poll(() => page.getByTestId('counters-shop').textContent()).toContain('p50–');
    expect(await page.getByTestId('legend').textContent()).toContain('waiting for a worker');
    // Hovering a station says what happens there.
    await page.getByTestId('flow-row-shop').getByTestId('station-view').hover();
    await expect.poll(() => page.getByTestId('flow-tooltip').textContent()).toBe('Your code runs here: queries, calls, templates.');
    expect(await page.getByTestId('flow-tooltip').isVisible()).toBe(true);
    await page.screenshot({ path: shot('page-empty-state.png') });
    expect(errors).toEqual([]);
  });

  it('Pause turns into Resume and the badge says paused, in presentation mode too; Go live returns', async () => {
    const pause = page.getByTestId('pause');
    const badge = page.getByTestId('connection');
    const goLive = page.getByTestId('go-live');
    await pause.click();
    await expect.poll(() => pause.textContent()).toBe('Resume');
    await expect.poll(() => badge.textContent()).toBe('paused');
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.body.dataset.presentation)).toBe('on');
    expect(await pause.isVisible()).toBe(true);
    expect(await goLive.isVisible()).toBe(true);
    await page.screenshot({ path: shot('page-paused-presentation.png') });
    await goLive.click();
    await expect.poll(() => badge.textContent()).toBe('live');
    expect(await pause.textContent()).toBe('Pause');
    expect(await goLive.isVisible()).toBe(false);
    await page.keyboard.press('p');
    // At 0.1× the view falls behind the live edge, and says by how much.
    await page.getByTestId('speed').selectOption('0.1');
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toMatch(/^\d+ s behind$/);
    await goLive.click();
    await expect.poll(() => badge.textContent()).toBe('live');
    expect(await page.getByTestId('speed').inputValue()).toBe('1');
  });

  it("a particle's click, a row's click and a #trace=ID link open the request's detail beside the list, above the fold", async () => {
    const slow = request(`${stack.targets[0]!.proxy}/slow`);
    const dot = page.getByTestId('particle').first();
    await dot.waitFor({ timeout: 10_000 });
    const traceId = (await dot.getAttribute('data-trace-id'))!;
    await dot.dispatchEvent('click');
    const panel = page.getByTestId('detail-panel');
    const inView = async () => {
      const box = await panel.boundingBox();
      return box !== null && box.y >= 0 && box.y + 200 <= 768 && box.x + box.width <= 1366 + 1;
    };
    await expect.poll(inView).toBe(true);
    await expect.poll(() => page.getByTestId('waterfall').textContent()).toContain('/slow');
    await slow;
    await page.getByTestId('detail-close').click();
    expect(await panel.isVisible()).toBe(false);
    const row = page.locator(`[data-testid=trace-row][data-trace-id="${traceId}"]`);
    await row.click();
    await expect.poll(inView).toBe(true);
    await expect.poll(() => page.getByTestId('waterfall-hop').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('waterfall-ruler').isVisible()).toBe(true);
    // The list sits beside the panel, not under it, and the page does not scroll sideways.
    const list = await page.getByTestId('trace-list').boundingBox();
    expect(list!.x + list!.width).toBeLessThanOrEqual((await panel.boundingBox())!.x + 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(new URL(page.url()).hash).toBe(`#trace=${traceId}`);
    await page.screenshot({ path: shot('detail-panel.png') });
    const linked = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    try {
      await linked.goto(`${stack.hubUrl}/#trace=${traceId}`);
      await expect.poll(() => linked.getByTestId('detail-panel').isVisible(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => linked.getByTestId('waterfall').textContent(), { timeout: 10_000 }).toContain('GET /slow');
    } finally {
      await linked.close();
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a request that called another service behind hopscope links to the request it made, and that one back', async () => {
    await request(`${stack.targets[0]!.proxy}/call`);
    // The link exists once the app's spans are in: the call span and, through its proxy, the request it made.
    let callerId = '';
    await expect
      .poll(async () => {
        const summary = (await getJson<Trace[]>(`${stack.hubUrl}/api/traces?target=shop&limit=50`)).find((t) => t.path === '/call');
        if (summary) callerId = summary.traceId;
        return summary && (await getJson<Trace>(`${stack.hubUrl}/api/traces/${summary.traceId}`)).calls?.some((c) => c.request);
      })
      .toBe(true);
    await page.evaluate((id) => (location.hash = `#trace=${id}`), callerId);
    const link = page.getByTestId('waterfall-call-request');
    await expect.poll(() => link.textContent()).toBe('→ shop-copy');
    await link.click();
    await expect.poll(() => page.getByTestId('waterfall').textContent()).toContain('/called');
    await expect.poll(() => page.getByTestId('waterfall-called-by').textContent()).toBe('Called by a request of shop');
    await page.getByTestId('waterfall-called-by').getByRole('link').click();
    await expect.poll(() => page.getByTestId('waterfall').textContent()).toContain('/call');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  });

  it('the list moves with ↓ / ↑ and sorts by duration', async () => {
    for (let i = 0; i < 3; i++) await request(`${stack.targets[1]!.proxy}/items/${i}`);
    await expect.poll(() => page.getByTestId('trace-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    await page.getByTestId('sort-duration').click();
    // The 1.5 s request is the longest: first, high to low.
    await expect.poll(() => page.getByTestId('trace-row').first().textContent()).toContain('/slow');
    await page.getByTestId('trace-row').first().click();
    await page.keyboard.press('ArrowDown');
    const second = await page.getByTestId('trace-row').nth(1).getAttribute('data-trace-id');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#trace=${second}`);
    await expect.poll(() => page.getByTestId('trace-row').nth(1).getAttribute('class')).toContain('selected');
    await page.getByTestId('detail-close').click();
  });

  it('Compare is a view beside the diagram, its legend labels in their curves’ colours', { timeout: 60_000 }, async () => {
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-seconds').fill('1');
    await page.getByTestId('compare-concurrency').fill('2');
    await page.getByTestId('compare-path').fill('/items/1');
    await page.getByTestId('compare-start').click();
    // The diagram stays in sight beside the form while the run goes.
    const flow = await page.getByTestId('flow').boundingBox();
    expect(flow!.y).toBeLessThan(768);
    expect(flow!.x + flow!.width).toBeLessThanOrEqual((await page.getByTestId('compare').boundingBox())!.x + 1);
    await expect.poll(() => page.getByTestId('compare-status').textContent(), { timeout: 30_000 }).toBe('done');
    const colours = await page.getByTestId('compare-legend').evaluateAll((els) => els.map((e) => getComputedStyle(e).fill));
    expect(colours).toHaveLength(2);
    expect(colours[0]).not.toBe(colours[1]);
    const curves = await page.locator('path.histogram-line').evaluateAll((els) => els.map((e) => getComputedStyle(e).stroke));
    expect(colours).toEqual(curves);
    expect(await page.getByTestId('compare-saved-run').first().textContent()).toMatch(/^\d\d:\d\d:\d\d · /);
    await page.screenshot({ path: shot('page-compare.png') });
    expect(errors).toEqual([]);
  });
});

/**
 * What an instrumented app's view does when it calls another service: it exports its gateway span
 * and the HTTP CLIENT span of the call (real OTLP, to the hub), and sends the call through the
 * other target's proxy with that span as the parent (W3C Trace Context), as hopscope_wsgi does.
 */
async function callTheOtherService(traceparent: string): Promise<void> {
  const [, traceId, parent] = traceparent.split('-');
  const gateway = randomBytes(8).toString('hex');
  const call = randomBytes(8).toString('hex');
  const start = Date.now();
  const url = `${stack.targets[1]!.proxy}/called`;
  await request(url, { headers: { traceparent: `00-${traceId}-${call}-01` } });
  const end = Date.now() + 1;
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const span = (spanId: string, parentSpanId: string | undefined, name: string, kind: number, attributes: object[]) => ({
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: `${start - 1}000000`,
    endTimeUnixNano: `${end}000000`,
    attributes,
  });
  const spans = [
    span(gateway, parent, 'GET /call', 2, [attr('hopscope.hop', 'gateway')]),
    span(call, gateway, 'GET', 3, [attr('http.request.method', 'GET'), attr('server.address', '127.0.0.1'), attr('url.full', url)]),
  ];
  const body = {
    resourceSpans: [{ resource: { attributes: [attr('service.name', 'shop')] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }],
  };
  await fetch(stack.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
