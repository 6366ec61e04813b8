import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from '@hopscope/shared';
import { LiveSpanProcessor } from '../telemetry/live-processor';
import { toSpanRecord } from '../telemetry/span-record';
import { deliver, fromWire, toWire } from './wire-span';

/** Spans of a real SDK tracer, as the live processor sees them at their start and at their end. */
function spans() {
  const seen: { started: ReadableSpan[]; ended: ReadableSpan[] } = { started: [], ended: [] };
  const provider = new BasicTracerProvider({
    spanProcessors: [new LiveSpanProcessor({ spanStarted: (s) => seen.started.push(s), spanEnded: (s) => seen.ended.push(s) })],
  });
  return { tracer: provider.getTracer('@hopscope/proxy', '0.1.0'), seen };
}

describe('WireSpan', () => {
  it('stands for the same SpanRecord as toSpanRecord gives, in flight and ended, parent and status message kept', () => {
    const { tracer, seen } = spans();
    const parent = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'url.path': '/a', 'server.port': 8080 } });
    const child = tracer.startSpan('GET', { kind: SpanKind.CLIENT, startTime: 1_700_000_000_123.25 }, trace.setSpan(ROOT_CONTEXT, parent));
    const inFlight = toWire(seen.started[1]!);
    expect(inFlight[0]).toBe(true);
    expect(fromWire(inFlight)).toEqual(toSpanRecord(seen.started[1]!));
    child.setAttribute('http.response.status_code', 502);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream reset' });
    child.end(1_700_000_000_124.5);
    parent.end();
    for (const span of seen.ended) {
      const wire = toWire(span);
      expect(wire[0]).toBe(false);
      expect(fromWire(wire)).toEqual(toSpanRecord(span));
    }
    const client = fromWire(toWire(seen.ended[0]!));
    expect(client).toMatchObject({
      kind: 'client',
      parentSpanId: parent.spanContext().spanId,
      startMs: 1_700_000_000_123.25,
      endMs: 1_700_000_000_124.5,
      status: { code: 'error', message: 'upstream reset' },
      attributes: { 'http.response.status_code': 502 },
      scope: { name: '@hopscope/proxy', version: '0.1.0' },
    });
    expect(fromWire(toWire(seen.ended[1]!)).parentSpanId).toBeUndefined();
  });

  it('survives a structured clone, and deliver hands starts and ends to the sink in order, past a sink that throws', () => {
    const { tracer, seen } = spans();
    tracer.startSpan('a').end();
    tracer.startSpan('b');
    const wires = structuredClone([toWire(seen.ended[0]!), toWire(seen.started[1]!)]);
    const calls: string[] = [];
    const count = deliver(wires, {
      spanStarted: (span: SpanRecord) => calls.push(`start:${span.name}`),
      spanEnded: (span: SpanRecord) => {
        calls.push(`end:${span.name}`);
        throw new Error('a sink that breaks its contract');
      },
    });
    expect(count).toBe(2);
    expect(calls).toEqual(['end:a', 'start:b']);
  });
});
