import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '@hopscope/shared';
import { MemoryRecorder } from './memory-recorder';

const span = (i: number, text = ''): SpanRecord => ({
  traceId: 'a'.repeat(32),
  spanId: i.toString(16).padStart(16, '0'),
  name: 'GET /r',
  kind: 'server',
  startMs: 1,
  endMs: 2,
  attributes: { 'app.text': text },
  resource: {},
  status: { code: 'unset' },
  events: [],
});

describe('MemoryRecorder (the Record button)', () => {
  it('is bounded by size as well as by count: what does not fit is counted in dropped', () => {
    const recorder = new MemoryRecorder(1_000_000, 1024 * 1024);
    recorder.start();
    // Each span holds ~128 KiB of text: eight fit in 1 MiB, not twenty.
    for (let i = 0; i < 20; i++) recorder.add(span(i, 'x'.repeat(64 * 1024)));
    const status = recorder.status();
    expect(status.spans).toBeLessThan(8);
    expect(status.spans + status.dropped).toBe(20);
  });

  it('small spans are all kept, and starting again starts from zero', () => {
    const recorder = new MemoryRecorder(1_000_000, 1024 * 1024);
    recorder.start();
    for (let i = 0; i < 100; i++) recorder.add(span(i));
    expect(recorder.status()).toEqual({ recording: true, spans: 100, dropped: 0 });
    recorder.start();
    expect(recorder.status()).toEqual({ recording: true, spans: 0, dropped: 0 });
  });
});
