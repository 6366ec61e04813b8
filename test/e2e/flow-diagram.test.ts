import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { launchBrowser } from '../support/browser';
import { startUpstream } from '../support/upstream';

/**
 * The flow diagram as people see it, in one browser session: a burst of 150
 * requests on a one-at-a-time server that stays in its row, presentation mode
 * on a projector's 1280×720 and 1024×768 (both from an imported recording,
 * paused mid-burst: while a request waits, its app has sent no span, so only
 * a recording shows every waiting request), then live over real OTLP 24
 * worker lanes and a request at the Database station with its N+1.
 */
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let stack: RunningHopscope;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
let dir: string;
const results = (name: string) => new URL(`../../test-results/${name}`, import.meta.url).pathname;
/** test-results/; UPDATE_SCREENSHOT=1 refreshes the README's pictures in docs/ instead. */
const shot = (name: string) =>
  process.env.UPDATE_SCREENSHOT === '1' ? new URL(`../../docs/${name}`, import.meta.url).pathname : results(name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-flow-'));
  upstream = await startUpstream((_req, res) => res.end('ok'));
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'shop', url: upstream.url }] });
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(stack.hubUrl);
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
  await upstream?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What overflows the viewport, and the smallest station label in screen pixels (font size × the SVG's scale). */
function measurePage(p: Page) {
  return p.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('#flow')!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const labels = Array.from(document.querySelectorAll<SVGTextElement>('text.station-label'));
    const labelPx = Math.min(...labels.map((l) => parseFloat(getComputedStyle(l).fontSize) * scale));
    const outside = [...labels, ...Array.from(document.querySelectorAll<HTMLElement>('.counter-card'))]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5 || r.left < -0.5;
      })
      .map((el) => el.textContent);
    // A label is inside its box (squeezed or on two lines when it must).
    const spilling = labels
      .filter((l) => {
        const text = l.getBoundingClientRect();
        const box = l.parentElement!.querySelector('rect')!.getBoundingClientRect();
        return text.left < box.left - 0.5 || text.right > box.right + 0.5 || text.top < box.top - 0.5 || text.bottom > box.bottom + 0.5;
      })
      .map((l) => l.textContent);
    // One line per target: every counter value on the card's first line, none wrapped onto two.
    const wrapped = Array.from(document.querySelectorAll<HTMLElement>('.counter-card')).filter((card) => {
      const values = Array.from(card.querySelectorAll<HTMLElement>('dd')).filter((dd) => dd.offsetParent !== null);
      const tops = new Set(values.map((dd) => Math.round(dd.getBoundingClientRect().top)));
      return tops.size > 1 || values.some((dd) => dd.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(dd).fontSize));
    }).length;
    return {
      scroll: { x: document.documentElement.scrollWidth - innerWidth, y: document.documentElement.scrollHeight - innerHeight },
      labelPx,
      labels: labels.length,
      outside,
      spilling,
      wrapped,
    };
  });
}

describe('the flow diagram', () => {
  it('a burst of 150 requests keeps every particle inside its row: one waiting line, then a "+N waiting" bar', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const file = join(dir, 'burst.jsonl');
    await writeFile(file, burstRecording());
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('replay');
    const play = page.getByTestId('replay-play');
    await expect.poll(() => play.textContent()).toBe('Pause');
    await play.click();
    await expect.poll(() => play.textContent()).toBe('Play');
    // 1.5 s into the burst: the server has served 75, some 70 wait.
    await page.getByTestId('scrubber').fill('1500');
    const bar = page.getByTestId('flow-row-dev').getByTestId('waiting-bar');
    await expect.poll(() => bar.textContent(), { timeout: 10_000 }).toMatch(/^\+\d+ waiting$/);
    const queued = page.locator('[data-testid=flow-row-dev] [data-testid=particle][data-station=queue]');
    await expect.poll(() => queued.count()).toBeGreaterThan(5);
    const waitingNow = async () => Number((await bar.textContent())!.match(/\d+/)![0]) + (await queued.count());
    await expect.poll(waitingNow).toBeGreaterThan(60);
    // Once the particles have walked into line, the counter and the picture agree (it updates four times a second).
    const counted = async () =>
      Number((await page.getByTestId('counters-dev').getByTestId('counter-queue').textContent())!.replace('queue', ''));
    await expect.poll(async () => (await counted()) - (await waitingNow())).toBe(0);
    expect(await particlesOutsideTheirRow(page)).toEqual([]);
    // Waiting requests are diamonds, not only another colour.
    expect(await queued.first().getAttribute('d')).toMatch(/^M0,-[\d.]+L[\d.]+,0L0,[\d.]+L-[\d.]+,0Z$/);
    await page.screenshot({ path: shot('burst.png') });
  });

  it('presentation mode fits a projector: no scroll at 1280×720 and 1024×768, station labels ≥ 24 px, one counter line per target', async () => {
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.body.dataset.presentation)).toBe('on');
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1024, height: 768 },
    ]) {
      await page.setViewportSize(viewport);
      // Poll until the next redraw has laid the diagram out for the new size.
      await expect
        .poll(async () => ((m) => ({ ...m, labelPx: m.labelPx >= 24 }))(await measurePage(page)), { timeout: 10_000 })
        .toMatchObject({ scroll: { x: 0, y: 0 }, outside: [], spilling: [], wrapped: 0, labelPx: true });
      expect((await measurePage(page)).labels).toBeGreaterThanOrEqual(12);
      expect(await particlesOutsideTheirRow(page)).toEqual([]);
      await page.screenshot({ path: viewport.width === 1280 ? shot('presentation.png') : results('presentation-1024.png') });
    }
    await page.keyboard.press('p');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('back-to-live').click();
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
  });

  it('a request that ran the same query 10 times: the Database station, its ×10 mark, and slow motion names the N+1', async () => {
    const traceId = randomBytes(16).toString('hex');
    const start = Date.now();
    const request = appRequest({ start, ms: 400, path: '/books', traceId, queries: 10 });
    await sendOtlp([{ resource: [attr('service.name', 'library'), { key: 'process.pid', value: { intValue: 777 } }], spans: request }]);
    const row = page.getByTestId('flow-row-library');
    await row.getByTestId('station-db').waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('station-db').locator('text.station-label').textContent()).toBe('Database');
    await expect.poll(() => page.getByTestId('counters-library').textContent(), { timeout: 10_000 }).toContain('queries/req10.0');
    await page.locator(`[data-testid=trace-row][data-trace-id="${traceId}"]`).click();
    await page.keyboard.press('s');
    const caption = page.getByTestId('slowmo-caption');
    await expect
      .poll(async () => {
        if ((await caption.getAttribute('data-station')) !== 'db') await page.keyboard.press('ArrowRight');
        return caption.getAttribute('data-station');
      })
      .toBe('db');
    expect(await caption.textContent()).toBe('The view ran the same SELECT 10 times — an N+1 query.');
    await expect.poll(() => page.locator(`[data-testid=particle][data-trace-id="${traceId}"]`).getAttribute('data-station')).toBe('db');
    await expect.poll(() => row.getByTestId('repeat-mark-library').textContent()).toBe('×10');
    expect(await row.getByTestId('station-db').getAttribute('class')).toContain('current');
    // The README's picture: the diagram at full width, the request's detail panel closed.
    await page.getByTestId('detail-close').click();
    await expect.poll(() => row.getByTestId('station-db').getAttribute('class')).toContain('current');
    await page.screenshot({ path: shot('database.png') });
    await page.getByTestId('slowmo-exit').click();
  });

  it('24 worker lanes (spans over OTLP): the row grows, the pid labels never overlap; lanes 3:1 against the light theme', async () => {
    const now = Date.now();
    const spans = Array.from({ length: 24 }, (_, i) => ({
      resource: [attr('service.name', 'gunicorn24'), { key: 'process.pid', value: { intValue: 4000 + i } }],
      spans: appRequest({ start: now + i * 5, ms: 40, path: `/items/${i}` }),
    }));
    await sendOtlp(spans);
    const row = page.getByTestId('flow-row-gunicorn24');
    await expect.poll(() => row.locator('g.lane text.lane-label').count(), { timeout: 10_000 }).toBe(24);
    const overlaps = await row.locator('g.lane text.lane-label').evaluateAll((labels) => {
      const boxes = labels.map((l) => l.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      return boxes.slice(1).filter((b, i) => b.top < boxes[i]!.bottom - 0.5).length;
    });
    expect(overlaps).toBe(0);
    // In the light theme too the lanes are lines a reader sees: 3:1 or more against the panel (WCAG 1.4.11).
    await page.getByTestId('theme').click();
    const contrast = await row
      .locator('g.lane line')
      .first()
      .evaluate((line) => {
        const rgb = (css: string) =>
          css
            .match(/\d+(\.\d+)?/g)!
            .slice(0, 3)
            .map(Number);
        const luminance = (css: string) => {
          const [r, g, b] = rgb(css).map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const stroke = luminance(getComputedStyle(line).stroke);
        const panel = luminance(getComputedStyle(document.querySelector('.flow-panel')!).backgroundColor);
        return (Math.max(stroke, panel) + 0.05) / (Math.min(stroke, panel) + 0.05);
      });
    expect(contrast).toBeGreaterThanOrEqual(3);
    await page.getByTestId('theme').click();
    await row.screenshot({ path: results('lanes-24.png') });
  });
});

/** Particles and waiting bars drawn outside their row's band (each row says where it starts and ends). */
function particlesOutsideTheirRow(p: Page) {
  return p.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('#flow')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<SVGGElement>('g.row')).flatMap((row) => {
      const top = svg.top + Number(row.dataset.top);
      const bottom = svg.top + Number(row.dataset.bottom);
      return Array.from(row.querySelectorAll('[data-testid=particle], [data-testid=waiting-bar]'))
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.top < top - 0.5 || r.bottom > bottom + 0.5 || r.left < svg.left - 0.5 || r.right > svg.right + 0.5)
        .map((r) => `${row.dataset.testid}: ${r.top.toFixed(0)}–${r.bottom.toFixed(0)} not in ${top.toFixed(0)}–${bottom.toFixed(0)}`);
    });
  });
}

/**
 * A recording (OTLP JSON lines, as --record writes) of a burst: 150 requests
 * within 150 ms on `dev`, a server that serves one at a time (20 ms each), so
 * each waits for the ones before it; beside it `workers`, four processes
 * serving 60 requests over the same 3 s without waiting.
 */
function burstRecording(): string {
  const t0 = Date.now() - 60_000;
  const lines: string[] = [];
  for (let i = 0; i < 150; i++) {
    const arrive = t0 + i;
    const served = t0 + 5 + i * 20;
    lines.push(JSON.stringify(proxiedRequest({ target: 'dev', pid: 100, arrive, served, ms: 20, path: `/items/${i}` })));
  }
  for (let i = 0; i < 60; i++) {
    const arrive = t0 + i * 50;
    lines.push(
      JSON.stringify(proxiedRequest({ target: 'workers', pid: 201 + (i % 4), arrive, served: arrive + 1, ms: 40, path: `/items/${i}` })),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One request through hopscope's proxy to an instrumented app: the proxy's SERVER and CLIENT spans, the app's gateway and view. */
function proxiedRequest(r: { target: string; pid: number; arrive: number; served: number; ms: number; path: string }) {
  const traceId = randomBytes(16).toString('hex');
  const id = () => randomBytes(8).toString('hex');
  const [proxy, server, gateway, view] = [id(), id(), id(), id()];
  const end = r.served + r.ms;
  const span = (spanId: string, parent: string | undefined, hop: string, kind: number, from: number, to: number, extra: object[] = []) => ({
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: `GET ${r.path}`,
    kind,
    startTimeUnixNano: nanos(from),
    endTimeUnixNano: nanos(to),
    attributes: [attr('hopscope.hop', hop), attr('hopscope.target', r.target), attr('http.request.method', 'GET'), ...extra],
  });
  const status = { key: 'http.response.status_code', value: { intValue: 200 } };
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'hopscope')] },
        scopeSpans: [
          {
            scope: { name: 'hopscope' },
            spans: [
              span(proxy, undefined, 'proxy', 2, r.arrive, end + 1, [attr('url.path', r.path), status]),
              span(server, proxy, 'server', 3, r.arrive + 0.2, end + 0.5, [status]),
            ],
          },
        ],
      },
      {
        resource: { attributes: [attr('service.name', r.target), { key: 'process.pid', value: { intValue: r.pid } }] },
        scopeSpans: [
          {
            scope: { name: 'hopscope_wsgi' },
            spans: [
              span(gateway, server, 'gateway', 2, r.served, end, [attr('url.path', r.path), status]),
              span(view, gateway, 'view', 1, r.served + 1, end - 1),
            ],
          },
        ],
      },
    ],
  };
}

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => `${Math.round(ms * 1000)}000`;

/** An instrumented app's request: the WSGI gateway, the view inside it and, in the view, `queries` SELECTs one after another. */
function appRequest(r: { start: number; ms: number; path: string; traceId?: string; queries?: number }) {
  const traceId = r.traceId ?? randomBytes(16).toString('hex');
  const gateway = randomBytes(8).toString('hex');
  const view = randomBytes(8).toString('hex');
  const span = (
    spanId: string,
    parent: string | undefined,
    name: string,
    kind: number,
    from: number,
    to: number,
    attributes: object[],
  ) => ({
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind,
    startTimeUnixNano: nanos(from),
    endTimeUnixNano: nanos(to),
    attributes,
  });
  const queries = Array.from({ length: r.queries ?? 0 }, (_, i) => {
    const at = r.start + 20 + i * ((r.ms - 60) / (r.queries ?? 1));
    return span(randomBytes(8).toString('hex'), view, 'SELECT library.db', 3, at, at + 8, [
      attr('db.system.name', 'sqlite'),
      attr('db.query.text', `SELECT * FROM authors WHERE id = ${i + 1}`),
    ]);
  });
  return [
    span(gateway, undefined, `GET ${r.path}`, 2, r.start, r.start + r.ms, [
      attr('hopscope.hop', 'gateway'),
      attr('http.request.method', 'GET'),
      attr('url.path', r.path),
      { key: 'http.response.status_code', value: { intValue: 200 } },
    ]),
    span(view, gateway, 'view', 1, r.start + 10, r.start + r.ms - 10, [attr('hopscope.hop', 'view')]),
    ...queries,
  ];
}

async function sendOtlp(batches: Array<{ resource: object[]; spans: object[] }>): Promise<void> {
  const body = {
    resourceSpans: batches.map((b) => ({
      resource: { attributes: b.resource },
      scopeSpans: [{ scope: { name: 'hopscope_wsgi' }, spans: b.spans }],
    })),
  };
  const res = await fetch(stack.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}
