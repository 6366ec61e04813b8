import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHub } from '@hopscope/server';
import type { RecordingStatus, SpanRecord, StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';

/** `--record`'s promise (docs/talk-mode.md): a slow disk costs at most 32 MiB of waiting spans; the rest are dropped and counted. */
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function span(i: number, padding: string): SpanRecord {
  return {
    traceId: i.toString(16).padStart(32, 'c'),
    spanId: '0000000000000001',
    name: 'GET',
    kind: 'server',
    startMs: Date.now(),
    endMs: Date.now() + 1,
    attributes: { 'hopscope.hop': 'gateway', 'url.path': '/recorded', 'app.padding': padding },
    resource: { 'service.name': 'app' },
    status: { code: 'unset' },
    events: [],
  };
}

describe('--record to a disk slower than the spans', () => {
  it('holds at most 32 MiB of unwritten spans, drops and counts the rest, and the hub keeps serving', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hopscope-slow-disk-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // A FIFO that is open for reading but never read: after its 64 KiB pipe buffer, every write waits.
    const fifo = join(dir, 'never-read.jsonl');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, 'r+');
    let readerOpen = true;
    // Closing the reader fails the waiting write (EPIPE), which lets the hub close.
    const closeReader = () => {
      if (readerOpen) closeSync(reader);
      readerOpen = false;
    };
    const h = await createHub({ port: 0, otlpPort: null, recordFile: fifo });
    cleanups.push(async () => {
      closeReader();
      await h.close();
    });
    const padding = 'x'.repeat(15 * 1024);
    const SPANS = 4_000; // ~60 MiB of OTLP JSON in batches of 512 (~8 MiB each)
    for (let i = 0; i < SPANS; i++) h.sink.spanEnded(span(i, padding));
    // Handed to the writer and not yet written: everything not dropped (a write counts as written only when
    // the disk took it, which this one never does). At most 32 MiB of it, plus the batch that crossed the
    // line and the one still being gathered: each span is more than its 15 KiB of padding.
    const bound = Math.floor((32 * 1024 * 1024) / padding.length) + 2 * 512;
    const status = await vi.waitFor(
      async () => {
        const now = await getJson<RecordingStatus>(`${h.url}/api/recording`);
        expect(SPANS - (now.fileDropped ?? 0)).toBeLessThanOrEqual(bound);
        return now;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(status.fileDropped).toBeGreaterThan(0);
    expect((await getJson<StatsSnapshot>(`${h.url}/api/stats`)).hub.spansReceived).toBe(SPANS);
    const res = await request(`${h.url}/api/traces?limit=1`);
    expect(res.status).toBe(200);
    closeReader();
  });
});
