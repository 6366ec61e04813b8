import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { launchBrowser } from '../support/browser';
import { closedPort } from '../support/upstream';

const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('the dashboard and a hub that restarts', () => {
  it('says it is disconnected while the hub is down and reconnects by itself', async () => {
    const port = await closedPort();
    let hub: Hub = await createHub({ port, otlpPort: null, uiDir: UI_DIR });
    cleanups.push(() => hub.close());
    const { browser, close } = await launchBrowser();
    cleanups.push(close);
    const page = await browser.newPage();
    await page.goto(hub.url);
    const banner = page.getByTestId('connection');
    await expect.poll(() => banner.textContent()).toBe('live');
    await hub.close();
    await expect.poll(() => banner.textContent()).toBe('disconnected — reconnecting…');
    hub = await createHub({ port, otlpPort: null, uiDir: UI_DIR });
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toBe('live');
  });
});
