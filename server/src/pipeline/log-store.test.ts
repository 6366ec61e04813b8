import { describe, expect, it } from 'vitest';
import type { Trace, TraceLog } from '@hopscope/shared';
import { LogStore } from './log-store';

const log = (body: string, time = 0, spanId?: string): TraceLog => ({
  time,
  severity: 'INFO',
  body,
  attributes: {},
  ...(spanId ? { spanId } : {}),
});
const trace = (traceId: string): Trace => ({
  traceId,
  target: 'app',
  method: 'GET',
  path: '/',
  start: 0,
  inFlight: false,
  hops: [{ hop: 'view', start: 0, duration: 1, measured: true, source: 'measured', inFlight: false, spanId: 'v1', attributes: {} }],
});

describe('LogStore', () => {
  it('bounds the number of records: the oldest go first, counted as dropped', () => {
    const store = new LogStore({ maxRecords: 3, maxBytes: 1e9, maxPerTrace: 100 });
    for (let i = 0; i < 5; i++) store.add(i % 2 ? 'b' : 'a', log(`line ${i}`, i));
    expect(store.size).toBe(3);
    expect(store.dropped).toBe(2);
    expect(store.received).toBe(5);
    expect(store.forTrace('a').map((l) => l.body)).toEqual(['line 2', 'line 4']);
    expect(store.forTrace('b').map((l) => l.body)).toEqual(['line 3']);
  });

  it('bounds the bytes held, and frees them on eviction', () => {
    const store = new LogStore({ maxRecords: 1000, maxBytes: 1000, maxPerTrace: 1000 });
    for (let i = 0; i < 50; i++) store.add(`t${i}`, log('x'.repeat(200)));
    expect(store.bytesHeld).toBeLessThanOrEqual(1000);
    expect(store.size).toBeGreaterThan(0);
    expect(store.dropped).toBe(50 - store.size);
    // Evicted traces leave nothing behind.
    expect(store.forTrace('t0')).toEqual([]);
  });

  it('refuses records past the per-trace limit, so one chatty request cannot push out the others', () => {
    const store = new LogStore({ maxRecords: 1000, maxBytes: 1e9, maxPerTrace: 2 });
    expect(store.add('a', log('1'))).toBe(true);
    expect(store.add('a', log('2'))).toBe(true);
    expect(store.add('a', log('3'))).toBe(false);
    expect(store.add('b', log('other'))).toBe(true);
    expect(store.dropped).toBe(1);
    expect(store.forTrace('a').map((l) => l.body)).toEqual(['1', '2']);
  });

  it('stays bounded over many evictions (its queue is compacted)', () => {
    const store = new LogStore({ maxRecords: 10, maxBytes: 1e9, maxPerTrace: 100 });
    for (let i = 0; i < 20_000; i++) store.add(`t${i % 7}`, log(String(i), i));
    expect(store.size).toBe(10);
    expect((store as unknown as { queue: unknown[] }).queue.length).toBeLessThan(3000);
    expect([...Array(7).keys()].flatMap((t) => store.forTrace(`t${t}`)).length).toBe(10);
  });

  it('attaches logs to their trace in time order, at the hop of their span; a trace without logs is returned as it is', () => {
    const store = new LogStore();
    store.add('a', log('second', 20, 'v1'));
    store.add('a', log('first', 10, 'other'));
    const attached = store.attachTo(trace('a'));
    expect(attached.logs?.map((l) => [l.body, l.hop])).toEqual([
      ['first', undefined],
      ['second', 'view'],
    ]);
    const bare = trace('b');
    expect(store.attachTo(bare)).toBe(bare);
  });
});
