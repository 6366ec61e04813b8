import { describe, expect, it, vi } from 'vitest';
import type { SpanRecord } from '@hopscope/shared';
import type { SpanBatchMessage } from './messages';
import { SpanChannel } from './span-channel';

const span = (id: number, ended = false): SpanRecord => ({
  traceId: 'a'.repeat(32),
  spanId: id.toString(16).padStart(16, '0'),
  name: 'GET',
  kind: 'server',
  startMs: 1,
  ...(ended ? { endMs: 2 } : {}),
  attributes: {},
  resource: {},
  status: { code: 'unset' },
  events: [],
});

function channel(limits: { maxUnacked: number; maxBatch: number; flushMs?: number }) {
  const posted: SpanBatchMessage[] = [];
  const sink = new SpanChannel((message) => posted.push(message), { flushMs: 1_000, ...limits });
  return { sink, posted, events: () => posted.flatMap((m) => m.entries) };
}

describe('SpanChannel', () => {
  it('sends a full batch at once, in order, starts and ends told apart', () => {
    const { sink, posted } = channel({ maxUnacked: 100, maxBatch: 3 });
    sink.spanStarted(span(1));
    sink.spanEnded(span(1, true));
    expect(posted).toHaveLength(0);
    sink.spanStarted(span(2));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.entries.map(([kind, s]) => `${kind}:${s.spanId.slice(-1)}`)).toEqual(['start:1', 'end:1', 'start:2']);
    expect(posted[0]!.dropped).toBe(0);
  });

  it('sends a partial batch after flushMs, so a request in flight shows up without waiting for more traffic', () => {
    vi.useFakeTimers();
    try {
      const { sink, posted } = channel({ maxUnacked: 100, maxBatch: 512, flushMs: 2 });
      sink.spanStarted(span(1));
      vi.advanceTimersByTime(1);
      expect(posted).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.entries).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never holds more than maxUnacked events: beyond it, ends are dropped and counted', () => {
    const { sink, events } = channel({ maxUnacked: 4, maxBatch: 2 });
    for (let i = 0; i < 10; i++) sink.spanEnded(span(i, true));
    expect(sink.held).toBe(4);
    expect(sink.dropped).toBe(6);
    expect(events()).toHaveLength(4);
  });

  it('starts give way first: they may use only half of the budget, leaving room for the ends', () => {
    const { sink } = channel({ maxUnacked: 4, maxBatch: 100 });
    for (let i = 0; i < 4; i++) sink.spanStarted(span(i));
    expect(sink.held).toBe(2);
    expect(sink.dropped).toBe(2);
    sink.spanEnded(span(0, true));
    sink.spanEnded(span(1, true));
    expect(sink.held).toBe(4);
    expect(sink.dropped).toBe(2);
  });

  it('acknowledgements free the budget again', () => {
    const { sink, posted } = channel({ maxUnacked: 2, maxBatch: 2 });
    sink.spanEnded(span(1, true));
    sink.spanEnded(span(2, true));
    sink.spanEnded(span(3, true));
    expect(sink.dropped).toBe(1);
    sink.acknowledge(posted[0]!.entries.length);
    sink.spanEnded(span(4, true));
    expect(sink.dropped).toBe(1);
    expect(sink.held).toBe(1);
  });

  it('reports drops even when no span follows them', () => {
    const { sink, posted } = channel({ maxUnacked: 1, maxBatch: 1 });
    sink.spanEnded(span(1, true));
    sink.spanEnded(span(2, true));
    expect(posted.at(-1)!.dropped).toBe(0);
    sink.flush();
    expect(posted.at(-1)).toMatchObject({ entries: [], dropped: 1 });
    sink.flush();
    expect(posted).toHaveLength(2);
  });

  it('a post that throws loses telemetry, counted, and never throws into the request path', () => {
    const sink = new SpanChannel(
      () => {
        throw new Error('could not be cloned');
      },
      { maxUnacked: 10, maxBatch: 1, flushMs: 1_000 },
    );
    expect(() => sink.spanEnded(span(1, true))).not.toThrow();
    expect(sink.dropped).toBe(1);
    expect(sink.held).toBe(0);
  });
});
