import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Span } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { LiveSpanProcessor } from '../telemetry/live-processor';
import type { ChannelLimits, SpanBatchMessage } from './messages';
import { SpanChannel } from './span-channel';
import { fromWire } from './wire-span';

/** A channel fed by a real SDK tracer, as in the worker; `posted` is what would cross to the hub. */
function channel(limits: Partial<ChannelLimits> & { maxUnacked: number; maxBatch: number }) {
  const posted: SpanBatchMessage[] = [];
  const sink = new SpanChannel((message) => posted.push(message), { flushMs: 1_000, announceMs: 25, ...limits });
  const tracer = new BasicTracerProvider({ spanProcessors: [new LiveSpanProcessor(sink)] }).getTracer('test');
  const events = () => posted.flatMap((m) => m.spans).map((wire) => `${wire[0] ? 'start' : 'end'}:${fromWire(wire).name}`);
  return { sink, posted, events, start: (name: string): Span => tracer.startSpan(name) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SpanChannel', () => {
  it('a span that ends within announceMs crosses once, whole, at its end', () => {
    const { events, start, posted } = channel({ maxUnacked: 100, maxBatch: 512, flushMs: 2 });
    const quick = start('quick');
    quick.setAttribute('http.response.status_code', 200);
    vi.advanceTimersByTime(20);
    quick.end();
    vi.advanceTimersByTime(100);
    expect(events()).toEqual(['end:quick']);
    const record = fromWire(posted[0]!.spans[0]!);
    expect(record).toMatchObject({ attributes: { 'http.response.status_code': 200 } });
    expect(record.endMs).toBeGreaterThanOrEqual(record.startMs);
  });

  it('a span still in flight after announceMs is announced (within twice that), then ended', () => {
    const { events, start } = channel({ maxUnacked: 100, maxBatch: 512, flushMs: 2 });
    const slow = start('slow');
    vi.advanceTimersByTime(50);
    expect(events()).toEqual(['start:slow']);
    slow.end();
    vi.advanceTimersByTime(2);
    expect(events()).toEqual(['start:slow', 'end:slow']);
  });

  it('sends a full batch at once, in order', () => {
    const { events, start, posted } = channel({ maxUnacked: 100, maxBatch: 3 });
    for (const name of ['a', 'b']) start(name).end();
    expect(posted).toHaveLength(0);
    start('c').end();
    expect(posted).toHaveLength(1);
    expect(events()).toEqual(['end:a', 'end:b', 'end:c']);
    expect(posted[0]!.dropped).toBe(0);
  });

  it('sends a partial batch after flushMs, so a finished request shows up without waiting for more traffic', () => {
    const { start, posted } = channel({ maxUnacked: 100, maxBatch: 512, flushMs: 2 });
    start('a').end();
    vi.advanceTimersByTime(1);
    expect(posted).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(posted).toHaveLength(1);
  });

  it('never holds more than maxUnacked events: beyond it, ends are dropped and counted', () => {
    const { sink, start, events } = channel({ maxUnacked: 4, maxBatch: 2 });
    const spans = Array.from({ length: 10 }, (_, i) => start(`s${i}`));
    vi.advanceTimersByTime(50); // two starts announced (half the budget), eight dropped
    for (const span of spans) span.end();
    expect(sink.held).toBe(4);
    expect(sink.dropped).toBe(8 + 8);
    expect(events()).toEqual(['start:s0', 'start:s1', 'end:s0', 'end:s1']);
  });

  it('starts give way first: they may use only half of the budget; an end replaces its waiting start', () => {
    const { sink, start } = channel({ maxUnacked: 4, maxBatch: 100 });
    const spans = Array.from({ length: 4 }, (_, i) => start(`s${i}`));
    expect(sink.held).toBe(2);
    expect(sink.dropped).toBe(2);
    for (const span of spans) span.end();
    expect(sink.held).toBe(4);
    expect(sink.dropped).toBe(2);
  });

  it('acknowledgements free the budget again', () => {
    const { sink, start, posted } = channel({ maxUnacked: 2, maxBatch: 1 });
    // a: whole at its end; b: its start beyond half the budget (dropped), its end taken; c: nothing fits.
    for (const name of ['a', 'b', 'c']) start(name).end();
    expect(sink.dropped).toBe(3);
    expect(sink.held).toBe(2);
    sink.acknowledge(posted.reduce((sum, m) => sum + m.spans.length, 0));
    start('d').end();
    expect(sink.dropped).toBe(3);
    expect(sink.held).toBe(1);
  });

  it('reports drops even when no span follows them', () => {
    const { sink, start, posted } = channel({ maxUnacked: 2, maxBatch: 1 });
    start('a').end();
    start('b').end();
    expect(posted.at(-1)!.dropped).toBe(1);
    start('c').end();
    expect(posted).toHaveLength(2);
    sink.flush();
    expect(posted.at(-1)).toMatchObject({ spans: [], dropped: 3 });
    sink.flush();
    expect(posted).toHaveLength(3);
  });

  it('a post that throws loses telemetry, counted, and never throws into the request path', () => {
    const sink = new SpanChannel(
      () => {
        throw new Error('could not be cloned');
      },
      { maxUnacked: 10, maxBatch: 1, flushMs: 1_000, announceMs: 25 },
    );
    const tracer = new BasicTracerProvider({ spanProcessors: [new LiveSpanProcessor(sink)] }).getTracer('test');
    expect(() => tracer.startSpan('a').end()).not.toThrow();
    expect(sink.dropped).toBe(1);
    expect(sink.held).toBe(0);
  });
});
