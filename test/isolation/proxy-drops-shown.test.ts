import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import { startProxyGroup, type ProxyGroup } from '@hopscope/proxy';
import { launchBrowser } from '../support/browser';
import { startChildUpstream, startStalledClient } from './blocked-hub';

const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

let upstream: { url: string; stop: () => void };
let hub: Hub;
let group: ProxyGroup;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

beforeAll(async () => {
  upstream = await startChildUpstream();
  hub = await createHub({ port: 0, otlpPort: null, otlpGrpcPort: null, uiDir: UI_DIR, proxyDropped: () => group.dropped() });
  group = startProxyGroup({ sink: hub.sink, limits: { maxUnacked: 8, maxBatch: 2, flushMs: 1 } });
});
afterAll(async () => {
  await browser?.close();
  await group?.close();
  await hub?.close();
  upstream?.stop();
});

it("the dashboard's hub line shows the spans the proxies dropped while the hub was stalled", async () => {
  const proxy = await group.add({ target: 'app', upstream: upstream.url });
  hub.addTarget({ name: 'app', upstream: upstream.url, proxy: proxy.url });
  const client = startStalledClient(`${proxy.url}/flood`, 10);
  try {
    expect(client.stallUntilAnswered(30_000)).toEqual(Array(10).fill(200));
  } finally {
    client.stop();
  }
  browser = await launchBrowser();
  const page = await browser.browser.newPage();
  await page.goto(hub.url);
  const dropped = async () =>
    Number(/(\d+) dropped by the proxies/.exec((await page.getByTestId('hub-health').textContent()) ?? '')?.[1] ?? -1);
  // 10 requests end 20 spans against a bound of 8 (proxy-isolation.test.ts): at least 12 dropped.
  await expect.poll(dropped, { timeout: 20_000 }).toBeGreaterThanOrEqual(12);
});
