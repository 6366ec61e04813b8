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
