import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { RecordingStatus, StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';

// A --record file that cannot be written is not only counted: /api/recording and the hub's health say so, and why.
let hub: Hub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

function exportOf(n: number): string {
  const now = Date.now();
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: (i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'GET /r',
    kind: 2,
    startTimeUnixNano: `${now}000000`,
    endTimeUnixNano: `${now + 1}000000`,
    attributes: [{ key: 'hopscope.hop', value: { stringValue: 'gateway' } }],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });
}

describe('--record to a file that cannot be written', () => {
  it('/dev/full: the Record status and hub health show the error and the spans lost; tracing goes on', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    hub = await createHub({ port: 0, otlpPort: null, recordFile: '/dev/full' });
    const post = (body: string) =>
      request(`${hub!.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(exportOf(20))).status).toBe(200);
    const status = await vi.waitFor(
      async () => {
        const status = await getJson<RecordingStatus>(`${hub!.url}/api/recording`);
        if (!status.fileError) throw new Error('no error reported yet');
        return status;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(status).toMatchObject({ file: '/dev/full', fileSpans: 0, fileDropped: 20, fileError: expect.stringMatching(/ENOSPC/) });
    expect((await post(exportOf(5))).status).toBe(200);
    await vi.waitFor(
      async () => {
        const stats = await getJson<StatsSnapshot>(`${hub!.url}/api/stats`);
        expect(stats.hub.recordError).toMatch(/ENOSPC/);
        expect(stats.hub.recordDropped).toBe(25);
        expect(stats.hub.spansReceived).toBe(25);
      },
      { timeout: 10_000, interval: 100 },
    );
    stderr.mockRestore();
  });

  it('a file that can be written says how many spans it holds, and no error', async () => {
    const file = `/tmp/hopscope-record-ok-${process.pid}.jsonl`;
    hub = await createHub({ port: 0, otlpPort: null, recordFile: file });
    await request(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportOf(3) });
    await vi.waitFor(
      async () => {
        const status = await getJson<RecordingStatus>(`${hub!.url}/api/recording`);
        expect(status).toMatchObject({ file, fileSpans: 3, fileDropped: 0 });
        expect(status.fileError).toBeUndefined();
      },
      { timeout: 10_000, interval: 100 },
    );
    const stats = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(stats.hub.recordError).toBeUndefined();
    expect(stats.hub.recordDropped).toBe(0);
  });
});
