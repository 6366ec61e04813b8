import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { StatsSnapshot } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { closedPort } from '../support/upstream';

// An OTLP export that fails is shown in the hub's health with its reason, not only counted (and not among live drops).
let hub: Hub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const body = (n: number) => {
  const now = Date.now();
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: (i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'GET /e',
    kind: 2,
    startTimeUnixNano: `${now}000000`,
    endTimeUnixNano: `${now + 1}000000`,
    attributes: [{ key: 'hopscope.hop', value: { stringValue: 'gateway' } }],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });
};

describe('OTLP export failures in the hub’s health', () => {
  it('a refused endpoint: exportDropped counts the spans and exportError says why', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    hub = await createHub({ port: 0, otlpPort: null, exportEndpoint: `http://127.0.0.1:${await closedPort()}` });
    await request(`${hub.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(7) });
    await vi.waitFor(
      async () => {
        const { hub: health } = await getJson<StatsSnapshot>(`${hub!.url}/api/stats`);
        expect(health.exportDropped).toBe(7);
        expect(health.exportError).toMatch(/ECONNREFUSED/);
      },
      { timeout: 15_000, interval: 100 },
    );
    stderr.mockRestore();
  });

  it('without an export endpoint there is nothing to report', async () => {
    hub = await createHub({ port: 0, otlpPort: null });
    const { hub: health } = await getJson<StatsSnapshot>(`${hub.url}/api/stats`);
    expect(health.exportDropped).toBeUndefined();
    expect(health.exportError).toBeUndefined();
  });
});
