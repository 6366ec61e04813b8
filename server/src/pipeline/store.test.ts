import { describe, expect, it } from 'vitest';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_TARGET, ATTR_HTTP_RESPONSE_STATUS_CODE, type SpanRecord } from '@hopscope/shared';
import { TraceStore } from './store';

/** A finished proxy SERVER span: one whole request as the store sees it. */
const request = (traceNo: number, startMs: number, status = 200, spanNo = 1): SpanRecord => ({
  traceId: traceNo.toString(16).padStart(32, '0'),
  spanId: spanNo.toString(16).padStart(16, '0'),
  name: 'GET',
  kind: 'server',
  startMs,
  endMs: startMs + 5,
  attributes: { [ATTR_HOPSCOPE_HOP]: 'proxy', [ATTR_HOPSCOPE_TARGET]: 'app', [ATTR_HTTP_RESPONSE_STATUS_CODE]: status },
  resource: {},
  status: { code: status >= 500 ? 'error' : 'unset' },
  events: [],
});

describe('TraceStore', () => {
  it('evicts the oldest traces beyond maxTraces and counts them', () => {
    const store = new TraceStore({ maxTraces: 3, maxSpansPerTrace: 10 });
    for (let i = 1; i <= 5; i++) store.add(request(i, 1_000 + i));
    expect(store.size).toBe(3);
    expect(store.tracesEvicted).toBe(2);
    expect(store.get(request(1, 0).traceId)).toBeUndefined();
    expect(store.get(request(5, 0).traceId)?.status).toBe(200);
  });

  it('with the window full for a long time, each new request evicts exactly the oldest one', () => {
    const store = new TraceStore({ maxTraces: 100, maxSpansPerTrace: 10 });
    for (let i = 1; i <= 20_000; i++) store.add(request(i, 1_000 + i));
    expect(store.size).toBe(100);
    expect(store.tracesEvicted).toBe(19_900);
    expect(store.get(request(19_900, 0).traceId)).toBeUndefined();
    expect(store.list({ limit: 1000 }).map((t) => t.traceId)).toEqual(
      Array.from({ length: 100 }, (_, i) => request(20_000 - i, 0).traceId),
    );
  });

  it('keeps at most maxSpansPerTrace spans of one trace and counts the rest as dropped', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 4 });
    store.add(request(1, 1_000));
    for (let i = 2; i <= 10; i++) store.add({ ...request(1, 1_000, 200, i), parentSpanId: request(1, 0).spanId, kind: 'internal' });
    expect(store.spansReceived).toBe(10);
    expect(store.spansDropped).toBe(6);
  });

  it('evicts by estimated bytes as well as by count', () => {
    const store = new TraceStore({ maxTraces: 1_000, maxSpansPerTrace: 10, maxBytes: 4_000 });
    const big = (n: number) => ({ ...request(n, 1_000 + n), attributes: { ...request(n, 0).attributes, note: 'x'.repeat(1_500) } });
    for (let i = 1; i <= 10; i++) store.add(big(i));
    expect(store.bytes).toBeLessThanOrEqual(4_000);
    expect(store.tracesEvicted).toBeGreaterThan(0);
    expect(store.get(big(10).traceId)).toBeDefined();
  });

  it('totals count each finished request once, failures apart', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 10 });
    store.add(request(1, 1_000));
    store.add(request(2, 1_010, 502));
    store.list();
    store.list();
    expect(store.totals.get('app')).toEqual({ requests: 2, errors: 1 });
  });
});
