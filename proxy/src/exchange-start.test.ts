import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, TraceFlags, createTraceState, defaultTextMapSetter, trace, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { traceHeaders } from './exchange-start';
import type { ProxySpan } from './spans';

/** What the SDK's propagator writes for a span with this context: traceHeaders must write the same. */
function propagated(context: SpanContext): Record<string, string> {
  const carrier: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(trace.setSpanContext(ROOT_CONTEXT, context), carrier, defaultTextMapSetter);
  return carrier;
}

const spanWith = (context: SpanContext) => ({ context, otel: trace.wrapSpanContext(context) }) as unknown as ProxySpan;

describe('traceHeaders', () => {
  const ids = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  const cases: Array<[string, SpanContext]> = [
    ['sampled', { ...ids, traceFlags: TraceFlags.SAMPLED }],
    ['not sampled', { ...ids, traceFlags: TraceFlags.NONE }],
    ['with a tracestate', { ...ids, traceFlags: TraceFlags.SAMPLED, traceState: createTraceState('vendor=abc,other=1') }],
    ['with an empty tracestate', { ...ids, traceFlags: TraceFlags.SAMPLED, traceState: createTraceState('') }],
    ['an invalid span context', { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE }],
  ];
  for (const [name, context] of cases)
    it(`writes what the W3C propagator writes: ${name}`, () => {
      expect(traceHeaders(spanWith(context))).toEqual(propagated(context));
    });
});
