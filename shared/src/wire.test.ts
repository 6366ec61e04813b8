import { describe, expect, it } from 'vitest';
import type { LiveMessage } from './wire-types';
import type { StatsSnapshot } from './stats';
import type { Trace } from './model';
import { parseLiveMessage, parseRecording } from './wire';
import { RECORDING_VERSION } from './recording';

const percentiles = { count: 3, p50: 1, p90: 2, p95: 2.5, p99: 3, p999: 3, max: 3, mean: 2 };

/** A trace with every optional field set, so that each schema field is exercised. */
const fullTrace: Trace = {
  traceId: 'ab'.repeat(16),
  target: 'app',
  method: 'GET',
  path: '/items/7',
  route: '/items/:id',
  status: 500,
  start: 1_700_000_000_000,
  duration: 12.5,
  worker: '4242',
  error: 'ValueError',
  inFlight: false,
  stack: 'wsgi',
  hops: (['proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response'] as const).map((hop, i) => ({
    hop,
    start: 1_700_000_000_000 + i,
    duration: 1,
    measured: i !== 2,
    source: i === 2 ? 'derived' : i === 6 ? 'synthesized' : 'measured',
    inFlight: false,
    name: `${hop} span`,
    spanId: `${i}`.repeat(16),
    status: 500,
    error: { type: 'ValueError', message: 'bad', stack: 'Traceback' },
    attributes: { 'url.path': '/items/7', 'http.response.status_code': 500, 'app.cached': false },
    imprecise: i === 3,
  })),
  spans: (['internal', 'server', 'client', 'producer', 'consumer'] as const).map((kind, i) => ({
    spanId: `${i}`.repeat(16),
    parentSpanId: i ? '0'.repeat(16) : undefined,
    name: kind,
    kind,
    start: 1,
    duration: 2,
    inFlight: i === 4,
    service: 'shop',
    scope: 'flask',
    hop: 'view',
    status: (['unset', 'ok', 'error'] as const)[i % 3]!,
    error: { type: 'E' },
    attributes: { k: 'v' },
  })),
  logs: [{ time: 1, severity: 'ERROR', body: 'boom', spanId: '1'.repeat(16), hop: 'view', service: 'shop', attributes: { n: 1 } }],
  calls: (['db', 'http', 'cache', 'messaging', 'other'] as const).map((kind) => ({
    kind,
    name: `${kind} call`,
    system: 'postgresql',
    target: 'db:5432',
    statement: 'SELECT * FROM items WHERE id = ?',
    start: 1,
    duration: 3,
    hop: 'view',
    status: 200,
    error: 'timeout',
    spanId: '9'.repeat(16),
  })),
  findings: [
    { kind: 'repeated_query', statement: 'SELECT 1', count: 3, totalMs: 9 },
    { kind: 'sequential_calls', count: 2, totalMs: 8, savedMs: 4, targets: ['a', 'b'] },
    { kind: 'blocked_event_loop', ms: 200 },
  ],
};

const stats: StatsSnapshot = {
  at: 1,
  windowMs: 10_000,
  hub: {
    spansReceived: 1,
    spansDropped: 2,
    tracesStored: 3,
    tracesEvicted: 4,
    ingestLagMs: 5,
    liveClients: 6,
    liveDropped: 7,
    ingestRefused: 8,
    proxyDropped: 9,
    spansTruncated: 10,
    storeBytes: 11,
    liveEvicted: 12,
    recordDropped: 13,
    recordError: 'disk full',
  },
  targets: {
    app: {
      target: 'app',
      requests: 10,
      errors: 1,
      rps: 2.5,
      errorRate: 0.1,
      inFlight: 1,
      queueDepth: 0,
      latency: percentiles,
      hops: { proxy: percentiles, view: percentiles },
      workers: { '4242': { requests: 10, busyMs: 30 } },
    },
  },
};

const messages: LiveMessage[] = [
  { type: 'hello', serverTime: 5, targets: [{ name: 'app', upstream: 'http://127.0.0.1:5000', proxy: 'http://127.0.0.1:8080' }] },
  { type: 'trace', trace: fullTrace },
  { type: 'stats', stats },
  { type: 'dropped', count: 3 },
  { type: 'scenario', step: 1, steps: 5, caption: 'dev queues', focusTraceId: 'ab'.repeat(16), rate: 0.1, done: false },
];

describe('parseLiveMessage', () => {
  it('reads back every message the hub sends, every field kept', () => {
    for (const message of messages) expect(parseLiveMessage(JSON.stringify(message)), message.type).toEqual(message);
  });

  it('refuses what does not match the schema, without throwing', () => {
    const refused = [
      '{',
      'null',
      '{"type":"nope"}',
      JSON.stringify({ type: 'dropped', count: '3' }),
      JSON.stringify({ type: 'hello', serverTime: 1 }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, hops: [{ ...fullTrace.hops[0], hop: 'nowhere' }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, hops: [{ ...fullTrace.hops[0], source: 'guessed' }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, stack: 'cobol' } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, spans: [{ ...fullTrace.spans![0], kind: 'sideways' }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, spans: [{ ...fullTrace.spans![0], status: 'fine' }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, calls: [{ ...fullTrace.calls![0], kind: 'ftp' }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, findings: [{ kind: 'slow', ms: 1 }] } }),
      JSON.stringify({ type: 'trace', trace: { ...fullTrace, hops: [{ ...fullTrace.hops[0], attributes: { nested: { a: 1 } } }] } }),
      JSON.stringify({ type: 'scenario', step: 1, steps: 2, caption: 'x', rate: 2 }),
      JSON.stringify({ type: 'scenario', step: 1, steps: 2, caption: 'x', rate: 0 }),
      JSON.stringify({ type: 'stats', stats: { ...stats, targets: { app: { ...stats.targets.app, hops: { nowhere: percentiles } } } } }),
    ];
    for (const text of refused) expect(parseLiveMessage(text), text.slice(0, 120)).toBeUndefined();
  });
});

describe('parseRecording', () => {
  const recording = {
    version: RECORDING_VERSION,
    title: 'talk.jsonl',
    targets: [{ name: 'app', upstream: 'u', proxy: 'p' }],
    traces: [fullTrace],
    start: 1,
    end: 2,
  };

  it('reads a recording with every field, and refuses another version or a missing field', () => {
    expect(parseRecording(JSON.parse(JSON.stringify(recording)))).toEqual(recording);
    expect(parseRecording({ ...recording, version: RECORDING_VERSION + 1 })).toBeUndefined();
    const { title: _title, ...untitled } = recording;
    expect(parseRecording(untitled)).toBeUndefined();
    expect(parseRecording('not a recording')).toBeUndefined();
  });
});
