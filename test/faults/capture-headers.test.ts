import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy } from '@hopscope/proxy';
import { parseCliOptions } from '@hopscope/cli';
import { RecordingSink } from '../support/recording-sink';
import { request } from '../support/http';
import { startUpstream } from '../support/upstream';

// Header capture is an explicit allow-list; credentials are never stored, even when listed.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function proxied(captureHeaders?: string[]) {
  const up = await startUpstream((_req, res) => {
    res.setHeader('x-cache', 'HIT');
    res.setHeader('x-internal', 'secret-ish');
    res.setHeader('set-cookie', ['session=abc123; HttpOnly', 'other=1']);
    res.end('ok');
  });
  cleanups.push(up.close);
  const sink = new RecordingSink();
  const proxy = await createProxy({ target: 'app', upstream: up.url, sink, captureHeaders });
  cleanups.push(() => proxy.close());
  const res = await request(`${proxy.url}/page`, {
    headers: { 'user-agent': 'test-agent/1', 'x-tenant': 'blue', authorization: 'Bearer hunter2', cookie: 'session=abc123' },
  });
  expect(res.status).toBe(200);
  await vi.waitFor(() => expect(sink.endedHop('proxy', '/page')).toBeDefined());
  return sink.endedHop('proxy', '/page')!;
}

describe('header capture', () => {
  it('records listed headers as http.*.header.<name> string arrays, and nothing else', async () => {
    const span = await proxied(['X-Tenant', 'user-agent', 'x-cache', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
    expect(span.attributes['http.request.header.x-tenant']).toEqual(['blue']);
    expect(span.attributes['http.request.header.user-agent']).toEqual(['test-agent/1']);
    expect(span.attributes['http.response.header.x-cache']).toEqual(['HIT']);
    expect(span.attributes['http.response.header.x-internal']).toBeUndefined();
    expect(span.attributes['http.request.header.authorization']).toBeUndefined();
    expect(span.attributes['http.request.header.cookie']).toBeUndefined();
    expect(span.attributes['http.response.header.set-cookie']).toBeUndefined();
    const everything = JSON.stringify(span);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('abc123');
  });

  it('captures no header at all by default', async () => {
    const span = await proxied();
    expect(
      Object.keys(span.attributes).filter((key) => key.startsWith('http.request.header.') || key.startsWith('http.response.header.')),
    ).toEqual([]);
    // The User-Agent is recorded once, as the HTTP semantic conventions' user_agent.original, not as a captured header.
    const { 'user_agent.original': agent, ...others } = span.attributes;
    expect(agent).toBe('test-agent/1');
    expect(JSON.stringify({ ...span, attributes: others })).not.toContain('test-agent/1');
  });

  it('--capture-header is repeatable; HOPSCOPE_CAPTURE_HEADERS takes a comma-separated list', () => {
    expect(parseCliOptions(['up', '--capture-header', 'x-tenant', '--capture-header', 'user-agent'], {}).captureHeaders).toEqual([
      'x-tenant',
      'user-agent',
    ]);
    expect(parseCliOptions(['up'], { HOPSCOPE_CAPTURE_HEADERS: 'x-tenant, user-agent' }).captureHeaders).toEqual([
      'x-tenant',
      'user-agent',
    ]);
    expect(parseCliOptions(['up'], {}).captureHeaders).toEqual([]);
  });
});
