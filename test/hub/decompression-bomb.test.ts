import http from 'node:http';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { getJson } from '../support/http';
import { startHubProcess, type HubProcess } from '../support/hub-process';

const MiB = 1024 * 1024;
const INFLATED = 1024 * MiB;

let hub: HubProcess;
let bomb: Buffer;
beforeAll(async () => {
  // The hub runs alone in its own process, so its RSS is the hub's and nothing else's.
  hub = await startHubProcess();
  bomb = await gzipOfZeros(INFLATED);
}, 120_000);
afterAll(async () => hub?.stop());

/** gzip of `size` zero bytes, made by streaming (about 1 MiB for 1 GiB): no fixture on disk. */
async function gzipOfZeros(size: number): Promise<Buffer> {
  const block = Buffer.alloc(MiB);
  let left = size;
  const zeros = new Readable({
    read() {
      this.push(left > 0 ? block : null);
      left -= MiB;
    },
  });
  const chunks: Buffer[] = [];
  for await (const chunk of zeros.pipe(createGzip())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function post(url: string, body: Buffer, headers: http.OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-length': body.length, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function exportJson(path: string): Buffer {
  const now = Date.now();
  const span = {
    traceId: 'b0'.repeat(16),
    spanId: 'c1'.repeat(8),
    name: 'GET',
    kind: 2,
    startTimeUnixNano: `${now}000000`,
    endTimeUnixNano: `${now + 2}000000`,
    attributes: [
      { key: 'hopscope.hop', value: { stringValue: 'gateway' } },
      { key: 'url.path', value: { stringValue: path } },
    ],
  };
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bomb' } }] }, scopeSpans: [{ spans: [span] }] },
      ],
    }),
  );
}

describe('a gzip decompression bomb (1 GiB inflated)', () => {
  it('is refused with 413 while the hub grows by less than 64 MiB, and the next export is stored', async () => {
    expect(bomb.length).toBeLessThan(4 * MiB);
    // Warm the receiver up, then take the baseline.
    expect((await post(hub.otlpUrl, exportJson('/warm'), { 'content-type': 'application/json' })).status).toBe(200);
    const baseline = hub.rss();
    const peakBefore = hub.peakRss();
    let sampled = baseline;
    const sampler = setInterval(() => (sampled = Math.max(sampled, hub.rss())), 5);

    const answer = await post(hub.otlpUrl, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    clearInterval(sampler);
    const peakAfter = hub.peakRss();
    // VmHWM catches a spike between samples; when it did not move, the peak was below the old high-water mark.
    const peak = peakAfter > peakBefore ? peakAfter : sampled;
    const growth = peak - baseline;
    console.log(
      `hub RSS baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, growth ${(growth / MiB).toFixed(1)} MiB for a ${(bomb.length / MiB).toFixed(2)} MiB gzip of 1 GiB`,
    );

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toBe('HOPSCOPE_HUB_TOO_LARGE');
    expect(growth).toBeLessThan(64 * MiB);

    expect((await post(hub.otlpUrl, exportJson('/after-bomb'), { 'content-type': 'application/json' })).status).toBe(200);
    await vi.waitFor(
      async () => {
        const traces = await getJson<Trace[]>(`${hub.url}/api/traces?limit=10`);
        expect(traces.map((t) => t.path)).toContain('/after-bomb');
      },
      { timeout: 10_000 },
    );
  });
});
