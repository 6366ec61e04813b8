import type { SpanRecord, SpanSink } from '@hopscope/shared';
import { createPipeline } from '../server/src/pipeline/pipeline';
import { formerServerModule } from './former-server';

/**
 * `npx tsx bench/sink-cost.ts [REV]`: the hub's CPU time per proxy span event
 * taken by the in-process sink (`pipeline.sink`: redact, cap, store), now
 * against the server/src of git revision REV (default 9a4060b, before the
 * sink was made cheaper), taken from git into node_modules/.cache. Each
 * request is four events as the proxy hands them over: SERVER start, CLIENT
 * start, CLIENT end, SERVER end, SpanRecords shaped like
 * proxy/src/telemetry/span-record.ts makes them (fresh objects, as the span
 * channel delivers them), a new trace id per request, so the 10,000-request
 * window is full and evicting. The two take turns in blocks and CPU time
 * (process.cpuUsage) is counted, so that a loaded machine skews both alike.
 * REV `none` measures only the current code (to profile it alone:
 * `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/sink-cost.ts none`).
 */
const REV = process.argv[2] ?? '9a4060b';
const REQUESTS_PER_BLOCK = 20_000;
const BLOCKS = 8;
const EVENTS_PER_REQUEST = 4;

let sequence = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** One request's four events, in the order the proxy hands them to the sink. */
function requestEvents(): SpanRecord[] {
  const n = ++sequence;
  const traceId = hex(0xabc000 + n, 32);
  const serverId = hex(2 * n, 16);
  const clientId = hex(2 * n + 1, 16);
  const startMs = 1_764_390_000_000 + n;
  const scope = { name: '@hopscope/proxy', version: '0.1.0' };
  /** One span event: in flight (no end, no status code yet) or ended. */
  const event = (
    ended: boolean,
    spanId: string,
    kind: SpanRecord['kind'],
    offsets: [start: number, end: number],
    attributes: SpanRecord['attributes'],
    parentSpanId?: string,
  ): SpanRecord => {
    const record: SpanRecord = {
      traceId,
      spanId,
      name: 'GET',
      kind,
      startMs: startMs + offsets[0],
      attributes: ended ? { ...attributes, 'http.response.status_code': 200 } : { ...attributes },
      resource: {},
      status: { code: 'unset' },
      events: [],
      scope,
    };
    if (parentSpanId) record.parentSpanId = parentSpanId;
    if (ended) record.endMs = startMs + offsets[1];
    return record;
  };
  const serverAttributes = {
    'hopscope.hop': 'proxy',
    'hopscope.target': 'app',
    'http.request.method': 'GET',
    'url.scheme': 'http',
    'client.address': '127.0.0.1',
    'network.protocol.version': '1.1',
    'url.path': '/items/42',
    'user_agent.original': 'wrk',
    'server.address': '127.0.0.1',
    'server.port': 8080,
  };
  const clientAttributes = {
    'hopscope.hop': 'server',
    'hopscope.target': 'app',
    'http.request.method': 'GET',
    'server.address': '127.0.0.1',
    'server.port': 5000,
    'url.full': 'http://127.0.0.1:5000/items/42',
    'network.protocol.version': '1.1',
  };
  const server = (ended: boolean) => event(ended, serverId, 'server', [0, 1.5], serverAttributes);
  const client = (ended: boolean) => event(ended, clientId, 'client', [0.1, 1.4], clientAttributes, serverId);
  return [server(false), client(false), client(true), server(true)];
}

type Feed = (events: SpanRecord[]) => void;

function feedOf(sink: SpanSink): Feed {
  return (events) => {
    for (const span of events) (span.endMs === undefined ? sink.spanStarted : sink.spanEnded)(span);
  };
}

/** µs of CPU per event for one block of fresh events (made before the clock starts). */
function cpuMicrosPerEvent(feed: Feed): number {
  const events: SpanRecord[] = [];
  for (let i = 0; i < REQUESTS_PER_BLOCK; i++) events.push(...requestEvents());
  const before = process.cpuUsage();
  feed(events);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / events.length;
}

let changes = 0;
const onChange = () => void changes++;
const now = feedOf(createPipeline({}, onChange).sink);
const former =
  REV === 'none'
    ? now
    : feedOf(
        (await formerServerModule<typeof import('../server/src/pipeline/pipeline')>(REV, 'pipeline/pipeline.ts')).createPipeline(
          {},
          onChange,
        ).sink,
      );
for (let i = 0; i < 2; i++) (cpuMicrosPerEvent(now), cpuMicrosPerEvent(former)); // warm-up: JIT both, fill both windows
const results = { now: [] as number[], former: [] as number[] };
// ABBA: whichever runs second in a pair also collects the first one's garbage, so the order alternates.
for (let block = 0; block < BLOCKS; block++) {
  if (block % 2 === 0) {
    results.now.push(cpuMicrosPerEvent(now));
    results.former.push(cpuMicrosPerEvent(former));
  } else {
    results.former.push(cpuMicrosPerEvent(former));
    results.now.push(cpuMicrosPerEvent(now));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `| sink, proxy span events (${EVENTS_PER_REQUEST} per request) | CPU µs per event, median of ${BLOCKS} × ${REQUESTS_PER_BLOCK * EVENTS_PER_REQUEST} (range) |`,
);
console.log('|---|---:|');
for (const [label, values] of [
  ['now', results.now],
  [`before (${REV})`, results.former],
] as const)
  console.log(`| ${label} | ${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}) |`);
