import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SpanRecord, SpanSink } from '@hopscope/shared';
import { startProxyGroup, type ProxyGroup } from './proxy-group';

/**
 * The proxies' thread as `hopscope up` runs it (a real worker, the NodeSDK, the
 * span channel), with a sink that notes what reaches the hub's thread.
 */
const started: SpanRecord[] = [];
const ended: SpanRecord[] = [];
const sink: SpanSink = { spanStarted: (span) => started.push(span), spanEnded: (span) => ended.push(span) };
let upstream: http.Server;
let group: ProxyGroup;
let proxyUrl: string;
let release: (() => void) | undefined;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/slow') release = () => res.end('slow');
    else res.end('quick');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  // A start is announced after 1 s in flight here (50 ms by default), so that the quick request is quick even on a loaded machine.
  group = startProxyGroup({ sink, limits: { announceMs: 1_000 } });
  const proxy = await group.add({ target: 'app', upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  proxyUrl = proxy.url;
}, 30_000);
afterAll(async () => {
  await group?.close();
  upstream?.close();
});

const pathOf = (span: SpanRecord) => String(span.attributes['url.path'] ?? span.attributes['url.full'] ?? '');

it('a quick request crosses to the hub once per span, whole, at its end; a slow one is announced while in flight', async () => {
  expect(await (await fetch(`${proxyUrl}/quick`)).text()).toBe('quick');
  await expect.poll(() => ended.filter((s) => pathOf(s).endsWith('/quick')).length, { timeout: 10_000 }).toBe(2);
  const quick = ended.filter((s) => pathOf(s).endsWith('/quick'));
  expect(quick.map((s) => s.attributes['hopscope.hop']).sort()).toEqual(['proxy', 'server']);
  for (const span of quick) expect(span.attributes['http.response.status_code']).toBe(200);

  const answer = fetch(`${proxyUrl}/slow`).then((r) => r.text());
  await expect.poll(() => started.filter((s) => pathOf(s).endsWith('/slow')).length, { timeout: 10_000 }).toBe(2);
  expect(ended.filter((s) => pathOf(s).endsWith('/slow'))).toEqual([]);
  // The slow request began after the quick one ended: had the quick one's starts been kept, they would have crossed by now.
  expect(started.filter((s) => pathOf(s).endsWith('/quick'))).toEqual([]);
  await expect.poll(() => release !== undefined, { timeout: 10_000 }).toBe(true);
  release!();
  expect(await answer).toBe('slow');
  await expect.poll(() => ended.filter((s) => pathOf(s).endsWith('/slow')).length, { timeout: 10_000 }).toBe(2);
});
