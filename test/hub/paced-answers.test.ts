import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createHub, type Hub } from '@hopscope/server';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_TARGET, parseRecording, type SpanRecord } from '@hopscope/shared';
import { getJson } from '../support/http';

/**
 * Large answers are made a piece at a time with the event loop turning in
 * between (server/src/http/paced.ts), so the hub keeps answering while it
 * makes one. Told by order, not by a clock: /api/stats is asked again and
 * again while the export of a 9,000-span recording is being made, and
 * answers several times before the export's first byte. Made in one go,
 * the export held the loop from the moment it was asked until its last
 * byte was written, and no /api/stats answer could come in between.
 */
const UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));
const REQUESTS = 3_000;
let hub: Hub;

function request(i: number): SpanRecord[] {
  const traceId = i.toString(16).padStart(32, '0');
  const startMs = 1_764_000_000_000 + i;
  const span = (spanId: string, hop: string, parentSpanId?: string): SpanRecord => ({
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: hop === 'proxy' ? 'GET' : hop,
    kind: hop === 'proxy' ? 'server' : 'internal',
    startMs,
    endMs: startMs + 2,
    attributes: { [ATTR_HOPSCOPE_HOP]: hop, [ATTR_HOPSCOPE_TARGET]: 'dev', 'http.request.method': 'GET', 'url.path': `/items/${i}` },
    resource: {},
    status: { code: 'unset' },
    events: [],
  });
  return [span('a'.repeat(16), 'proxy'), span('b'.repeat(16), 'view', 'a'.repeat(16)), span('c'.repeat(16), 'route', 'a'.repeat(16))];
}

beforeAll(async () => {
  // A small live window (cheap /api/stats); the Record button keeps every span regardless.
  hub = await createHub({ port: 0, otlpPort: null, maxTraces: 100, uiDir: UI_DIR });
  const post = (action: string) =>
    fetch(`${hub.url}/api/recording`, {
      method: 'POST',
      headers: { origin: hub.url, 'content-type': 'application/json' },
      body: JSON.stringify({ action }),
    });
  expect((await post('start')).ok).toBe(true);
  for (let i = 0; i < REQUESTS; i++) for (const span of request(i)) hub.sink.spanEnded(span);
  expect((await post('stop')).ok).toBe(true);
}, 60_000);
afterAll(async () => hub?.close());

describe('large answers do not hold the hub', () => {
  it('/api/stats keeps answering while a 9,000-span recording is exported, and the export is whole', async () => {
    let done = false;
    const began = performance.now();
    const exported = fetch(`${hub.url}/api/export.html`).then(async (answer) => {
      const html = await answer.text();
      done = true;
      return { status: answer.status, html };
    });
    // When each /api/stats answer came, asked one after another until the export is in (bounded).
    const answeredAt: number[] = [began];
    for (let i = 0; i < 10_000 && !done; i++) {
      await getJson(`${hub.url}/api/stats`);
      answeredAt.push(performance.now());
    }
    const { status, html } = await exported;
    const tookMs = performance.now() - began;
    expect(status).toBe(200);
    const json = /<script type="application\/json" id="hopscope-recording">(.*?)<\/script>/s.exec(html)?.[1];
    const recording = parseRecording(JSON.parse(json ?? 'null'));
    expect(recording?.traces).toHaveLength(REQUESTS);
    expect(recording?.traces.map((t) => t.path).slice(0, 2)).toEqual(['/items/0', '/items/1']);
    // A ratio of two durations of this run, not a speed: made in one go, the export held the loop for most of
    // its time and no answer came in that stretch; made in pieces, answers come all along.
    const longestWaitMs = Math.max(...answeredAt.slice(1).map((at, i) => at - answeredAt[i]!));
    expect(answeredAt.length).toBeGreaterThan(5);
    expect(longestWaitMs).toBeLessThan(tookMs / 2);
  }, 120_000);
});
