import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { createHub, type Hub } from '@hopscope/server';
import type { Trace } from '@hopscope/shared';
import { launchBrowser } from '../support/browser';
import { getJson, request } from '../support/http';

// The dashboard runs under a strict Content-Security-Policy sent by the hub, and works under it without a single violation.
let stack: RunningHopscope;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2 });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser?.();
  await stack?.close();
});

interface Watched {
  page: Page;
  /** CSP violations the page reported, and console errors that mention the policy. */
  violations(): Promise<string[]>;
}

async function watchedPage(url: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return {
    page,
    violations: async () => [
      ...consoleErrors,
      ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)),
    ],
  };
}

describe('the dashboard under its Content-Security-Policy', () => {
  it('the hub sends a strict policy with the dashboard and its files', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await request(`${stack.hubUrl}${path}`);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('loads, goes live, sends a request, shows its waterfall and the Compare view with no violation', async () => {
    const { page, violations } = await watchedPage(stack.hubUrl);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
    await page.getByTestId('send-target').selectOption('dev');
    await page.getByTestId('send-path').fill('/items/5150');
    await page.getByTestId('send-button').click();
    await expect.poll(() => page.getByTestId('send-result').textContent(), { timeout: 15_000 }).toMatch(/^200 in/);
    const traceId = await page.getByTestId('send-result').getAttribute('data-trace-id');
    await vi.waitFor(
      async () => {
        const traces = await getJson<Trace[]>(`${stack.hubUrl}/api/traces?limit=100`);
        if (!traces.some((t) => t.traceId === traceId && t.hops[0]?.hop === 'client')) throw new Error('no client hop yet');
      },
      { timeout: 15_000, interval: 100 },
    );
    await page.locator(`[data-testid=trace-row][data-trace-id="${traceId}"]`).click();
    await page.getByTestId('waterfall-hop').first().waitFor();
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('theme').click();
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it('an inline script slipped into the page does not run', async () => {
    const { page, violations } = await watchedPage(stack.hubUrl);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    });
    await expect.poll(violations, { timeout: 10_000 }).toContainEqual(expect.stringMatching(/^script-src/));
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    await page.close();
  });
});

describe('the plain trace page (dashboard not built) under the same policy', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await createHub({ port: 0, otlpPort: null });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('keeps its own stylesheet (allowed by hash) and reports no violation', async () => {
    const { page, violations } = await watchedPage(hub.url);
    await page.getByTestId('trace-table').waitFor();
    // body{margin:1.5rem} from the page's stylesheet: 24 px when the style was allowed.
    expect(await page.evaluate(() => getComputedStyle(document.body).marginTop)).toBe('24px');
    expect(await violations()).toEqual([]);
    await page.close();
  });
});
