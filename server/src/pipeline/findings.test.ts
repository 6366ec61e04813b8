import { describe, expect, it } from 'vitest';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_LOOP_BLOCKED_MS, type SpanRecord } from '@hopscope/shared';
import { assembleTrace } from './assemble';

const TRACE = 'b'.repeat(32);

/** An app span as hopscope_asgi exports it (after OTLP decoding). */
function appSpan(spanId: string, hop: string, startMs: number, endMs: number, attributes: SpanRecord['attributes'] = {}): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: hop === 'gateway' ? undefined : '1'.repeat(16),
    name: hop,
    kind: hop === 'gateway' ? 'server' : 'internal',
    startMs,
    endMs,
    attributes: { [ATTR_HOPSCOPE_HOP]: hop, ...attributes },
    resource: {},
    status: { code: 'unset' },
    events: [],
    scope: { name: 'hopscope_asgi' },
  };
}

const gateway = (attributes: SpanRecord['attributes'] = {}) => appSpan('1'.repeat(16), 'gateway', 1_000, 1_260, attributes);
const view = (attributes: SpanRecord['attributes'] = {}) => appSpan('2'.repeat(16), 'view', 1_010, 1_250, attributes);

describe('findings: blocked_event_loop', () => {
  it('a view that held the event loop for 200 ms is flagged with how long', () => {
    const trace = assembleTrace(
      [gateway({ [ATTR_HOPSCOPE_LOOP_BLOCKED_MS]: 231.4 }), view({ [ATTR_HOPSCOPE_LOOP_BLOCKED_MS]: 200.26 })],
      2_000,
    )!;
    expect(trace.findings).toEqual([{ kind: 'blocked_event_loop', ms: 200.3 }]);
  });

  it('a view that never held the loop is not flagged, even when the gateway (serialization, a slow machine) did', () => {
    const trace = assembleTrace([gateway({ [ATTR_HOPSCOPE_LOOP_BLOCKED_MS]: 40 }), view()], 2_000)!;
    expect(trace.findings).toBeUndefined();
  });

  it('without a view hop (any ASGI app under the middleware) the gateway says it', () => {
    const trace = assembleTrace([gateway({ [ATTR_HOPSCOPE_LOOP_BLOCKED_MS]: 120 })], 2_000)!;
    expect(trace.findings).toEqual([{ kind: 'blocked_event_loop', ms: 120 }]);
  });

  it(`less than 10 ms is ordinary work between awaits, not a finding`, () => {
    const trace = assembleTrace([gateway(), view({ [ATTR_HOPSCOPE_LOOP_BLOCKED_MS]: 9.9 })], 2_000)!;
    expect(trace.findings).toBeUndefined();
  });
});

const VIEW_ID = '2'.repeat(16);
function clientSpan(n: number, startMs: number, endMs: number, attributes: SpanRecord['attributes']): SpanRecord {
  return {
    ...appSpan(n.toString(16).padStart(16, 'c'), 'x', startMs, endMs, attributes),
    parentSpanId: VIEW_ID,
    kind: 'client',
    name: 'call',
    attributes,
  };
}
const select = (n: number, id: number) =>
  clientSpan(n, 1_020 + n * 3, 1_022 + n * 3, { 'db.system.name': 'sqlite', 'db.query.text': `SELECT * FROM authors WHERE id = ${id}` });
const get = (n: number, start: number, end: number, url: string) =>
  clientSpan(n, start, end, { 'http.request.method': 'GET', 'url.full': url, 'server.address': 'localhost' });

describe('findings: repeated_query (N+1)', () => {
  it('the same SELECT run 10 times with different ids is one finding with count 10 and its total time', () => {
    const queries = Array.from({ length: 10 }, (_, i) => select(i, i + 1));
    const trace = assembleTrace([gateway(), view(), ...queries], 2_000)!;
    expect(trace.findings).toEqual([{ kind: 'repeated_query', statement: 'SELECT * FROM authors WHERE id = ?', count: 10, totalMs: 20 }]);
  });

  it('4 times is not yet an N+1; a join run once is nothing', () => {
    const trace = assembleTrace([gateway(), view(), ...Array.from({ length: 4 }, (_, i) => select(i, i))], 2_000)!;
    expect(trace.calls).toHaveLength(4);
    expect(trace.findings).toBeUndefined();
  });
});

describe('findings: sequential_calls', () => {
  it('three HTTP calls one after another could have taken the longest alone', () => {
    const trace = assembleTrace(
      [gateway(), view(), get(1, 1_020, 1_050, 'http://a/1'), get(2, 1_050, 1_060, 'http://b/2'), get(3, 1_070, 1_090, 'http://a/1')],
      2_000,
    )!;
    expect(trace.findings).toEqual([
      { kind: 'sequential_calls', count: 3, totalMs: 60, savedMs: 30, targets: ['http://a/1', 'http://b/2'] },
    ]);
  });

  it('calls that already ran in parallel are no finding', () => {
    const trace = assembleTrace([gateway(), view(), get(1, 1_020, 1_050, 'http://a/1'), get(2, 1_021, 1_049, 'http://b/2')], 2_000)!;
    expect(trace.findings).toBeUndefined();
  });

  it('one HTTP call and a database query are no finding', () => {
    const trace = assembleTrace([gateway(), view(), get(1, 1_020, 1_050, 'http://a/1'), select(20, 1)], 2_000)!;
    expect(trace.findings).toBeUndefined();
  });
});
