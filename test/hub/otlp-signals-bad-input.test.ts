import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';

const LIMIT = 64 * 1024;
let hub: Hub;
let tight: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: null, maxOtlpBytes: LIMIT });
  tight = await createHub({ port: 0, otlpPort: 0, otlpGrpcPort: null, otlpBudget: { maxBytes: 4096 } });
});
afterAll(async () => {
  await Promise.all([hub?.close(), tight?.close()]);
});

const otlpBase = (h: Hub) => h.otlpUrl.replace(/\/v1\/traces$/, '');

/** A minimal valid export of each signal in the JSON mapping, with `padding` characters in a resource attribute. */
function validJson(path: string, padding = 0): string {
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: `shop${'x'.repeat(padding)}` } }] };
  if (path === '/v1/metrics') return JSON.stringify({ resourceMetrics: [{ resource, scopeMetrics: [] }] });
  return JSON.stringify({
    resourceLogs: [{ resource, scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: 'hi' } }] }] }],
  });
}

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body: body as BodyInit, headers });
  const text = await res.text();
  return { status: res.status, error: text ? (JSON.parse(text) as { error?: string }).error : undefined, headers: res.headers };
}

const cases = ['/v1/metrics', '/v1/logs'].flatMap((path) => [
  { port: 'OTLP port', path, url: () => `${otlpBase(hub)}${path}`, tightUrl: () => `${otlpBase(tight)}${path}` },
  { port: 'hub port', path, url: () => `${hub.url}${path}`, tightUrl: () => `${tight.url}${path}` },
]);

describe.each(cases)('$path on the $port refuses bad input with the catalogue error and keeps serving', ({ path, url, tightUrl }) => {
  it('405 for another method, 415 for another type or encoding', async () => {
    const get = await fetch(url());
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: string }).error).toBe('HOPSCOPE_HUB_METHOD_NOT_ALLOWED');
    expect(await post(url(), validJson(path), { 'content-type': 'text/plain' })).toMatchObject({
      status: 415,
      error: 'HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await post(url(), validJson(path), { 'content-type': 'application/json', 'content-encoding': 'br' })).toMatchObject({
      status: 415,
    });
  });

  it('400 for JSON that is not the export request, for protobuf that does not parse, and for a broken gzip body', async () => {
    const wrongShape = path === '/v1/metrics' ? '{"resourceMetrics": 7}' : '{"resourceLogs": [{"scopeLogs": "no"}]}';
    for (const [body, type] of [
      [wrongShape, 'application/json'],
      ['{"resource', 'application/json'],
      [Buffer.from([0x0a, 0x10, 0x01]), 'application/x-protobuf'],
    ] as const) {
      expect(await post(url(), body, { 'content-type': type }), String(body)).toMatchObject({
        status: 400,
        error: 'HOPSCOPE_HUB_BAD_OTLP',
      });
    }
    expect(
      await post(url(), Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    ).toMatchObject({ status: 400, error: 'HOPSCOPE_HUB_BAD_OTLP' });
  });

  it('413 for a body past the limit once inflated (a decompression bomb), 503 with Retry-After over the ingest budget', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(LIMIT);
    expect(await post(url(), bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toMatchObject({
      status: 413,
      error: 'HOPSCOPE_HUB_TOO_LARGE',
    });
    const over = await post(tightUrl(), validJson(path, 8192), { 'content-type': 'application/json' });
    expect(over).toMatchObject({ status: 503, error: 'HOPSCOPE_HUB_OVERLOADED' });
    expect(over.headers.get('retry-after')).toBe('1');
  });

  it('after all that, a valid export is answered 200 {}', async () => {
    const res = await fetch(url(), { method: 'POST', body: validJson(path), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const fits = await fetch(tightUrl(), { method: 'POST', body: validJson(path), headers: { 'content-type': 'application/json' } });
    expect(fits.status).toBe(200);
  });
});
