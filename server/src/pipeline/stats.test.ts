import { describe, expect, it } from 'vitest';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_TARGET, type SpanRecord } from '@hopscope/shared';
import { computeStats } from './stats';
import { TraceStore } from './store';

const span = (spanId: string, hop: string, startMs: number, endMs?: number, parentSpanId?: string): SpanRecord => ({
  traceId: 'a'.repeat(32),
  spanId,
  parentSpanId,
  name: hop,
  kind: hop === 'server' ? 'client' : 'server',
  startMs,
  endMs,
  attributes: { [ATTR_HOPSCOPE_HOP]: hop, [ATTR_HOPSCOPE_TARGET]: 'app' },
  resource: {},
  status: { code: 'unset' },
  events: [],
});
const health = { ingestLagMs: 0, liveClients: 0, liveDropped: 0 };

describe('computeStats: queue depth', () => {
  it('a request in flight whose app spans have not arrived is in flight, not queued', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 10 }, () => {});
    store.add(span('1'.repeat(16), 'proxy', 1_000));
    store.add(span('2'.repeat(16), 'server', 1_001, undefined, '1'.repeat(16)));
    const stats = computeStats(store, ['app'], health, 10_000, 6_000).targets.app!;
    expect(stats.inFlight).toBe(1);
    expect(stats.queueDepth).toBe(0);
  });
});
