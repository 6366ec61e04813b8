import { afterAll, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { request } from '../support/http';
import { RecordingSink } from '../support/recording-sink';
import { startUpstream } from '../support/upstream';

/*
 * The proxy's two spans follow the HTTP semantic conventions (names, the
 * attributes a backend's HTTP views read), with hopscope's own keys beside
 * them: what Jaeger or Tempo shows for a request through hopscope.
 */
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

async function proxied(status: number) {
  const app = await startUpstream((_req, res) => {
    res.statusCode = status;
    res.end('answer');
  });
  cleanups.push(app.close);
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'shop', upstream: `${app.url}/base`, sink });
  cleanups.push(() => proxy.close());
  return { app, proxy, sink };
}

describe('HTTP semantic conventions on the proxy spans', () => {
  it('SERVER and CLIENT are named by the method and carry url, user agent, protocol and address attributes', async () => {
    const { app, proxy, sink } = await proxied(200);
    await request(`${proxy.url}/items/7?token=secret&page=2`, { headers: { 'user-agent': 'semconv-test/1' } });
    await vi.waitFor(() => expect(sink.endedHop('server')).toBeDefined());
    const server = sink.endedHop('proxy')!;
    const client = sink.endedHop('server')!;
    expect(server).toMatchObject({ name: 'GET', kind: 'server', scope: { name: '@hopscope/proxy' } });
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/items/7',
      'url.query': 'token=[redacted]&page=2',
      'user_agent.original': 'semconv-test/1',
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': proxy.port,
      'http.response.status_code': 200,
      'hopscope.hop': 'proxy',
      'hopscope.target': 'shop',
    });
    expect(client).toMatchObject({ name: 'GET', kind: 'client', parentSpanId: server.spanId, traceId: server.traceId });
    expect(client.attributes).toMatchObject({
      'url.full': `${app.url}/base/items/7?token=[redacted]&page=2`,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(app.url).port),
      'http.response.status_code': 200,
      'hopscope.hop': 'server',
    });
    expect(JSON.stringify(sink.ended)).not.toContain('secret');
  });

  it("an app's 5xx: error.type is the status code on the CLIENT span, and the SERVER span names no failure of its own", async () => {
    const { proxy, sink } = await proxied(503);
    expect((await request(`${proxy.url}/down`)).status).toBe(503);
    await vi.waitFor(() => expect(sink.endedHop('proxy')).toBeDefined());
    expect(sink.endedHop('server')!).toMatchObject({ status: { code: 'error' }, attributes: { 'error.type': '503' } });
    const server = sink.endedHop('proxy')!;
    expect(server.status.code).toBe('error');
    expect(server.attributes['error.type']).toBeUndefined();
  });
});
