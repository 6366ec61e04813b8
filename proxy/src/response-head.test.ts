import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseServerTiming } from '@hopscope/shared';
import { nowMs } from './clock';
import { finalHeadForClient } from './response-head';
import type { ProxySpan } from './spans';

const startedAgo = (ms: number) => ({ startMs: nowMs() - ms }) as ProxySpan;

describe('finalHeadForClient', () => {
  const timing = (upstream: IncomingHttpHeaders) =>
    String(finalHeadForClient(upstream, startedAgo(40.123), startedAgo(30.456))['server-timing']);

  it("appends the proxy's entries to the app's, which keep their order, durations and descriptions", () => {
    const header = timing({ 'server-timing': ['db;dur=12.345;desc="a \\"q\\""', 'cache;desc=hit'] });
    expect(header).toMatch(/^db;dur=12\.35;desc="a \\"q\\"", cache;desc="hit", proxy;dur=\d+(\.\d{1,2})?, server;dur=\d+(\.\d{1,2})?$/);
    const [, , proxy, server] = parseServerTiming(header);
    expect(proxy!.duration).toBeGreaterThanOrEqual(40.12);
    expect(server!.duration).toBeGreaterThanOrEqual(30.45);
    expect(proxy!.duration!).toBeGreaterThan(server!.duration!);
  });

  it("has only the proxy's entries when the app sent none, or none that parse", () => {
    for (const upstream of [{}, { 'server-timing': '' }, { 'server-timing': ';;,' }])
      expect(timing(upstream)).toMatch(/^proxy;dur=\d+(\.\d{1,2})?, server;dur=\d+(\.\d{1,2})?$/);
  });

  it('drops hop-by-hop fields and keeps the rest', () => {
    const head = finalHeadForClient(
      { connection: 'close, x-private', 'x-private': '1', 'content-type': 'text/plain' },
      startedAgo(1),
      startedAgo(1),
    );
    expect(Object.keys(head).sort()).toEqual(['content-type', 'server-timing']);
  });
});
