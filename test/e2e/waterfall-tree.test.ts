import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { selfContainedHtml } from '@hopscope/server';
import { RECORDING_VERSION, type Hop, type Recording, type Trace, type TraceSpan } from '@hopscope/shared';
import { launchBrowser } from '../support/browser';

const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results', import.meta.url));
const EVIL = '<img src=x onerror=window.__pwned=1>';

/**
 * A FastAPI request as the hub assembles it from the official Python SDK's
 * spans and logs: hop spans, middleware and a template span that are no hop,
 * the app's log lines with the trace's id, a ValueError raised in the view,
 * and a queue hop derived from whole-millisecond timestamps.
 */
function fastapiTrace(start: number): Trace {
  const hop = (name: Hop['hop'], from: number, duration: number, extra: Partial<Hop> = {}): Hop => ({
    hop: name,
    start: start + from,
    duration,
    measured: true,
    source: 'measured',
    inFlight: false,
    attributes: {},
    ...extra,
  });
  const span = (
    spanId: string,
    parentSpanId: string | undefined,
    name: string,
    from: number,
    duration: number,
    extra: Partial<TraceSpan> = {},
  ): TraceSpan => ({
    spanId,
    parentSpanId,
    name,
    kind: 'internal',
    start: start + from,
    duration,
    inFlight: false,
    service: 'shop-api',
    status: 'unset',
    attributes: {},
    ...extra,
  });
  const error = {
    type: 'ValueError',
    message: 'item 7 is gone',
    stack: [
      'Traceback (most recent call last):',
      '  File "/srv/venv/lib/python3.11/site-packages/starlette/routing.py", line 74, in app',
      '    response = await func(request)',
      '  File "/srv/app/main.py", line 21, in view_item',
      '    raise ValueError(f"item {item_id} is gone")',
      'ValueError: item 7 is gone',
    ].join('\n'),
  };
  return {
    traceId: 'f'.repeat(32),
    target: 'api',
    method: 'GET',
    path: '/items/7',
    route: '/items/{item_id}',
    status: 500,
    start,
    duration: 40,
    worker: '4242',
    error: 'ValueError',
    inFlight: false,
    stack: 'asgi',
    hops: [
      hop('proxy', 0, 40),
      hop('server', 1, 38),
      hop('queue', 1, 2, { measured: false, source: 'derived', imprecise: true }),
      hop('gateway', 3, 35),
      hop('view', 6, 25, { error }),
    ],
    spans: [
      span('a1', undefined, 'GET api', 0, 40, { hop: 'proxy', kind: 'server', service: 'hopscope' }),
      span('a2', 'a1', 'GET upstream', 1, 38, { hop: 'server', kind: 'client', service: 'hopscope' }),
      span('a3', 'a2', 'GET /items/{item_id}', 3, 35, { hop: 'gateway', kind: 'server', scope: 'opentelemetry.instrumentation.asgi' }),
      span('a4', 'a3', 'auth middleware', 4, 1.5),
      span('a5', 'a3', 'view_item', 6, 25, { hop: 'view', status: 'error', error }),
      span('a6', 'a5', 'render template item.html', 8, 12, { scope: 'opentelemetry.instrumentation.jinja2' }),
      span('a7', 'a3', 'GET /items/{item_id} http send', 32, 1, { scope: 'opentelemetry.instrumentation.asgi' }),
    ],
    // The same query three times in the view: an N+1 the hub names as a finding.
    calls: [9, 11, 13].map((at) => ({
      kind: 'db' as const,
      name: 'SELECT items',
      system: 'postgresql',
      target: 'db:5432',
      statement: `SELECT * FROM items WHERE id = ? /* ${EVIL} */`,
      start: start + at,
      duration: 1.5,
      hop: 'view' as const,
    })),
    findings: [{ kind: 'repeated_query', statement: 'SELECT * FROM items WHERE id = ?', count: 3, totalMs: 4.5 }],
    logs: [
      { time: start + 7, severity: 'INFO', body: 'loading item 7', spanId: 'a5', hop: 'view', service: 'shop-api', attributes: {} },
      { time: start + 30, severity: 'ERROR', body: EVIL, spanId: 'a5', hop: 'view', service: 'shop-api', attributes: {} },
    ],
  };
}

/** A trace of an app whose spans say nothing of its stack: the station stays "Gateway (WSGI)". */
function plainTrace(start: number): Trace {
  return {
    ...fastapiTrace(start),
    traceId: 'e'.repeat(32),
    target: 'shop',
    stack: undefined,
    spans: undefined,
    logs: undefined,
    error: undefined,
    status: 200,
    hops: fastapiTrace(start).hops.map((h) => ({ ...h, error: undefined })),
  };
}

let browser: Browser;
let closeBrowser: () => Promise<void>;
let dir: string;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-waterfall-'));
  const start = Date.now() - 60_000;
  const traces = [fastapiTrace(start), plainTrace(start + 100)];
  const recording: Recording = {
    version: RECORDING_VERSION,
    title: 'fastapi.jsonl',
    targets: [
      { name: 'api', upstream: '', proxy: '' },
      { name: 'shop', upstream: '', proxy: '' },
    ],
    traces,
    start,
    end: start + 140,
  };
  const file = join(dir, 'fastapi.html');
  await writeFile(file, await selfContainedHtml(UI_DIR, recording));
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pathToFileURL(file).href);
  // The replay plays from the recording's start; both rows are listed once the playhead passed them.
  await page.locator('[data-testid=trace-row]').nth(1).waitFor({ timeout: 15_000 });
});
afterAll(async () => {
  await closeBrowser?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const depthOf = async (locator: ReturnType<Page['locator']>) => Number(await locator.getAttribute('data-depth'));

describe('the waterfall of a trace with its span tree and logs', () => {
  it('nests every span under its parent, hop spans tagged, the others plain', async () => {
    await page.locator(`[data-testid=trace-row][data-trace-id="${'f'.repeat(32)}"]`).click();
    const spans = page.getByTestId('waterfall-span');
    await expect.poll(() => spans.count()).toBe(7);
    const view = page.locator('[data-testid=waterfall-span][data-hop=view]');
    const template = page.locator('[data-testid=waterfall-span]', { hasText: 'render template item.html' });
    expect(await template.getAttribute('data-hop')).toBeNull();
    expect(await depthOf(template)).toBe((await depthOf(view)) + 1);
    expect(await view.locator('.hop-tag').textContent()).toBe('View');
    expect(await page.locator('[data-testid=waterfall-span][data-hop=gateway] .hop-tag').textContent()).toBe('Gateway (ASGI)');
  });

  it("shows the app's log lines under the span that wrote them, with their severity, as text", async () => {
    const logs = page.getByTestId('waterfall-log');
    expect(await logs.evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')))).toEqual(['INFO', 'ERROR']);
    expect(await logs.first().textContent()).toContain('loading item 7');
    expect(await depthOf(logs.first())).toBe((await depthOf(page.locator('[data-testid=waterfall-span][data-hop=view]'))) + 1);
    expect(await logs.nth(1).textContent()).toContain(EVIL);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('shows the exception at the view, its frames innermost first, and marks the imprecise queue ±1 ms', async () => {
    expect(await page.getByTestId('exception-title').textContent()).toBe('ValueError: item 7 is gone');
    expect(await page.getByTestId('exception').textContent()).toContain('in view_item · View');
    const frames = await page.getByTestId('exception-frames').locator('li').allTextContents();
    expect(frames).toEqual([
      'view_item (/srv/app/main.py:21) — raise ValueError(f"item {item_id} is gone")',
      'app (/srv/venv/lib/python3.11/site-packages/starlette/routing.py:74) — response = await func(request)',
    ]);
    expect(await page.locator('[data-testid=waterfall-hop][data-hop=queue] .hop-duration').textContent()).toBe('2 ms ±1 (derived)');
    await page.getByTestId('waterfall').screenshot({ path: join(RESULTS, 'waterfall-tree.png') });
  });

  it('labels each row for its stack, and every label fits its box, also in presentation mode', async () => {
    const label = (target: string) => page.getByTestId(`flow-row-${target}`).getByTestId('station-gateway').locator('text.station-label');
    await expect.poll(() => label('api').textContent()).toBe('Gateway (ASGI)');
    expect(await label('shop').textContent()).toBe('Gateway (WSGI)');
    const overflowing = () =>
      page.locator('[data-testid^=station-]').evaluateAll((stations) =>
        stations.flatMap((g) => {
          const text = (g.querySelector('text.station-label') as SVGTextElement).getBBox();
          const box = (g.querySelector('rect') as SVGRectElement).getBBox();
          return text.x >= box.x && text.x + text.width <= box.x + box.width ? [] : [g.textContent];
        }),
      );
    expect(await overflowing()).toEqual([]);
    await page.getByTestId('presentation-toggle').click();
    await expect.poll(overflowing).toEqual([]);
    await page.screenshot({ path: join(RESULTS, 'waterfall-tree-presentation.png') });
    await page.getByTestId('presentation-toggle').click();
  });

  it("the request's detail at 1366×768: beside the list, above the fold, with its calls and findings, no sideways scroll", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.locator(`[data-testid=trace-row][data-trace-id="${'f'.repeat(32)}"]`).click();
    const panel = page.getByTestId('detail-panel');
    const box = (await panel.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + 300).toBeLessThanOrEqual(768);
    expect(box.x + box.width).toBeLessThanOrEqual(1366 + 1);
    const calls = page.getByTestId('waterfall-call');
    await expect.poll(() => calls.count()).toBe(3);
    expect(await calls.first().textContent()).toContain('SELECT * FROM items WHERE id = ?');
    expect(await calls.first().textContent()).toContain('1.50 ms');
    expect(await page.getByTestId('waterfall-finding').textContent()).toBe(
      'The same query ran 3 times (4.5 ms in all): SELECT * FROM items WHERE id = ?',
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    // The replay's scrubber runs over the request rate, with a red mark where the 500 happened (at its start).
    expect(await page.getByTestId('replay-spark').locator('path.spark-rate').count()).toBe(1);
    const mark = (await page.getByTestId('replay-error-mark').boundingBox())!;
    const scrubber = (await page.getByTestId('scrubber').boundingBox())!;
    expect(mark.x - scrubber.x).toBeLessThan(scrubber.width / 10);
    await page.screenshot({
      path:
        process.env.UPDATE_SCREENSHOT === '1'
          ? fileURLToPath(new URL('../../docs/detail-panel.png', import.meta.url))
          : join(RESULTS, 'detail-panel-calls.png'),
    });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it("slow motion's caption names the ASGI server", async () => {
    await page.locator(`[data-testid=trace-row][data-trace-id="${'f'.repeat(32)}"]`).click();
    await page.getByTestId('slowmo-open').click();
    const caption = page.getByTestId('slowmo-caption');
    await expect
      .poll(async () => {
        if ((await caption.getAttribute('data-station')) !== 'gateway') await page.getByTestId('slowmo-forward').click();
        return caption.getAttribute('data-station');
      })
      .toBe('gateway');
    expect(await caption.textContent()).toMatch(/^The ASGI server accepted the connection/);
    expect(await page.getByTestId('slowmo-stops').textContent()).toContain('Gateway (ASGI)');
    await page.getByTestId('slowmo-exit').click();
  });
});
