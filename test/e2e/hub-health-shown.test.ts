import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { createHub, type Hub } from '@hopscope/server';
import { launchBrowser } from '../support/browser';
import { request } from '../support/http';

// What the hub loses or cuts is shown on the dashboard, not only counted: a --record file that cannot be
// written, and spans cut to size on arrival.
const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));
let hub: Hub;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  hub = await createHub({ port: 0, otlpPort: null, uiDir: UI_DIR, recordFile: '/dev/full' });
  ({ browser, close: closeBrowser } = await launchBrowser());
});
afterAll(async () => {
  await closeBrowser?.();
  await hub?.close();
  vi.restoreAllMocks();
});

describe('the dashboard shows the hub’s losses', () => {
  it('a --record file on a full disk and a span cut to size appear in the hub line and on the Record button', async () => {
    const page = await browser.newPage();
    await page.goto(hub.url);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
    const now = Date.now();
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'd1'.repeat(16),
                  spanId: 'd2'.repeat(8),
                  name: 'GET /cut',
                  kind: 2,
                  startTimeUnixNano: `${now}000000`,
                  endTimeUnixNano: `${now + 2}000000`,
                  attributes: [
                    { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
                    { key: 'app.blob', value: { stringValue: 'z'.repeat(100_000) } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await request(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(
      200,
    );
    const health = page.getByTestId('hub-health');
    await expect.poll(() => health.textContent(), { timeout: 15_000 }).toMatch(/1 cut to size/);
    await expect.poll(() => health.textContent(), { timeout: 15_000 }).toMatch(/recording to file FAILED, 1 spans lost: ENOSPC/);
    await expect
      .poll(() => page.getByTestId('record').textContent(), { timeout: 15_000 })
      .toMatch(/Recording to \/dev\/full failed: ENOSPC/);
    await page.close();
  });
});
