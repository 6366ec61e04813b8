import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/**
 * `npx tsx bench/hub-load.ts HUB_URL OTLP_URL SECONDS`: the hub's heaviest
 * everyday work, in a process of its own, for a bounded time: dashboards that
 * keep opening (WebSocket clients on /api/live, reconnecting every 3 s),
 * `GET /api/traces?limit=1000` back to back, and OTLP/HTTP JSON exports of
 * 4,000 spans (1,000 four-span traces each, two in flight). Loopback only.
 * Prints what it did as JSON on its last line.
 */
const [hubArg, otlpArg, secondsText] = process.argv.slice(2);
if (!hubArg || !otlpArg) throw new Error('usage: hub-load.ts HUB_URL OTLP_URL [SECONDS]');
const hubUrl: string = hubArg;
const otlpUrl: string = otlpArg;
for (const url of [hubUrl, otlpUrl]) if (!/^http:\/\/127\.0\.0\.1:\d+/.test(url)) throw new Error(`loopback only, not ${url}`);
const seconds = Math.min(Number(secondsText ?? 20), 300);
const deadline = Date.now() + seconds * 1000;
const MAX_REQUESTS = 100_000;
const counts = { traceLists: 0, traceListBytes: 0, otlpBatches: 0, otlpSpans: 0, liveConnections: 0, liveMessages: 0, errors: 0 };

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** 1,000 traces of four spans (a SERVER span and three children), the shape an instrumented WSGI app exports. */
function otlpBatch(): string {
  const spans = [];
  const start = nowNs() - 5_000_000n;
  for (let t = 0; t < 1000; t++) {
    const traceId = hex(16);
    const rootId = hex(8);
    const attributes = [
      { key: 'http.request.method', value: { stringValue: 'GET' } },
      { key: 'url.path', value: { stringValue: `/items/${t}` } },
      { key: 'http.route', value: { stringValue: '/items/<id>' } },
      { key: 'http.response.status_code', value: { intValue: 200 } },
    ];
    spans.push({
      traceId,
      spanId: rootId,
      name: 'GET /items/<id>',
      kind: 2,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 4_000_000n),
      attributes,
    });
    for (const [i, name] of ['route', 'view', 'response'].entries()) {
      const s = start + BigInt(i + 1) * 1_000_000n;
      spans.push({
        traceId,
        spanId: hex(8),
        parentSpanId: rootId,
        name,
        kind: 1,
        startTimeUnixNano: String(s),
        endTimeUnixNano: String(s + 900_000n),
        attributes: [],
      });
    }
  }
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'bench-app' } }] };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] });
}

async function loop(body: () => Promise<void>): Promise<void> {
  for (let i = 0; Date.now() < deadline && i < MAX_REQUESTS; i++) await body().catch(() => void counts.errors++);
}

function dashboard(): Promise<void> {
  return new Promise((resolve) => {
    const open = () => {
      if (Date.now() >= deadline) return resolve();
      const socket = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/api/live`);
      counts.liveConnections++;
      socket.on('message', () => void counts.liveMessages++);
      socket.on('error', () => void counts.errors++);
      const timer = setTimeout(() => socket.close(), Math.min(3_000, Math.max(0, deadline - Date.now())));
      socket.on('close', () => {
        clearTimeout(timer);
        open();
      });
    };
    open();
  });
}

await Promise.all([
  loop(async () => {
    const response = await fetch(`${hubUrl}/api/traces?limit=1000`);
    counts.traceListBytes += (await response.arrayBuffer()).byteLength;
    counts.traceLists++;
  }),
  ...[0, 1].map(() =>
    loop(async () => {
      const response = await fetch(otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpBatch() });
      await response.arrayBuffer();
      if (response.ok) {
        counts.otlpBatches++;
        counts.otlpSpans += 4000;
      } else counts.errors++;
    }),
  ),
  ...[0, 1, 2, 3].map(() => dashboard()),
]);
console.log(JSON.stringify(counts));
