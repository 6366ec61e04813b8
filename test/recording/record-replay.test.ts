import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { buildRecording, createHub, decodeExportRequestJson } from '@hopscope/server';
import type { Recording, RecordingStatus, SpanRecord, Trace } from '@hopscope/shared';
import { startHopscopeProcess } from '../support/bin';
import { getJson, request } from '../support/http';
import { otelJson, sdkSpans } from './otel-spans';

const FIXTURE = fileURLToPath(new URL('../fixtures/talk.jsonl', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-record-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** What a viewer compares between two traces: the request and every hop's timing (OTLP keeps microseconds). */
const shape = (t: Trace) => ({ traceId: t.traceId, target: t.target, path: t.path, status: t.status, hops: t.hops.map((h) => h.hop) });
function expectSameTimings(a: Trace[], b: Trace[]): void {
  a.forEach((trace, i) =>
    trace.hops.forEach((hop, j) => {
      expect(Math.abs(hop.start - b[i]!.hops[j]!.start)).toBeLessThan(0.002);
      expect(Math.abs(hop.duration - b[i]!.hops[j]!.duration)).toBeLessThan(0.002);
    }),
  );
}

/** A finished proxy span, enough to make the recorder write a full batch. */
function sdkRecord(i: number): SpanRecord {
  const id = i.toString(16).padStart(16, '0');
  return {
    traceId: id.repeat(2),
    spanId: id,
    name: 'GET',
    kind: 'server',
    startMs: 1,
    endMs: 2,
    attributes: { 'hopscope.hop': 'proxy', 'url.path': `/batch-${i}` },
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
}

async function replay(file: string) {
  const proc = await startHopscopeProcess(['replay', file, '--port', '0'], /dashboard\s+(http:\/\/\S+)/);
  const url = /dashboard\s+(http:\/\/\S+)/.exec(proc.output())![1]!;
  return { ...proc, url };
}

describe('--record FILE', () => {
  let running: RunningHopscope;
  const file = () => join(dir, 'session.jsonl');
  afterAll(async () => running?.close());

  it('writes every finished span as OTLP JSON lines that decode back to the same traces', async () => {
    running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2, record: file() });
    const status = await getJson<RecordingStatus>(`${running.hubUrl}/api/recording`);
    expect(status.file).toBe(file());
    const [dev, workers] = running.targets;
    for (const path of ['/items/1', '/error', '/slow?ms=20']) {
      await request(dev!.proxy + path);
      await request(workers!.proxy + path);
    }
    // The apps' spans come over OTLP after the proxy's: wait for complete traces.
    const stored = await vi.waitFor(
      () => {
        const traces = [...running.hub.store.traces()];
        const complete = (t: Trace) => !t.inFlight && ['queue', 'view', 'response'].every((hop) => t.hops.some((h) => h.hop === hop));
        if (traces.length < 6 || !traces.every(complete)) throw new Error('traces incomplete');
        return traces;
      },
      { timeout: 10_000 },
    );
    await running.close();

    const lines = (await readFile(file(), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const spans = lines.flatMap((line) => decodeExportRequestJson(line));
    // Every span once: 3 proxy-side + 4 app-side hops per request.
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    const fromFile = buildRecording(spans, 'session.jsonl');
    const inOrder = stored.sort((a, b) => a.start - b.start);
    expect(fromFile.traces.map(shape)).toEqual(inOrder.map(shape));
    expectSameTimings(fromFile.traces, inOrder);
    expect(fromFile.traces.find((t) => t.path === '/error' && t.target === 'dev')?.status).toBe(500);
  });
});

describe('--record FILE and secrets', () => {
  it('writes spans redacted: a credential an app exported never reaches the file', async () => {
    const secretFile = join(dir, 'secrets.jsonl');
    const hub = await createHub({ port: 0, otlpPort: null, recordFile: secretFile });
    try {
      const res = await request(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otelJson(sdkSpans('/login?password=hunter2')),
      });
      expect(res.status).toBe(200);
    } finally {
      await hub.close();
    }
    const text = await readFile(secretFile, 'utf8');
    expect(text).toContain('/login');
    expect(text).not.toContain('Bearer secret');
    expect(text).not.toContain('hunter2');
  });
});

describe('--record FILE that cannot be written', () => {
  it('says so once on stderr, and the hub keeps tracing', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // A directory cannot be opened for appending: EISDIR.
    const hub = await createHub({ port: 0, otlpPort: null, recordFile: dir });
    try {
      for (const path of ['/one', '/two']) {
        const res = await request(`${hub.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: otelJson(sdkSpans(path)),
        });
        expect(res.status).toBe(200);
      }
      await vi.waitFor(() => expect(errors).toHaveBeenCalled(), { timeout: 10_000 });
      for (let i = 0; i < 600; i++) hub.sink.spanEnded(sdkRecord(i));
      const traces = await getJson<Trace[]>(`${hub.url}/api/traces?limit=1000`);
      expect(traces.map((t) => t.path)).toEqual(expect.arrayContaining(['/one', '/two']));
      expect(errors).toHaveBeenCalledTimes(1);
      expect(String(errors.mock.calls[0]![0])).toContain(`cannot write the recording to ${dir}`);
    } finally {
      await hub.close();
      errors.mockRestore();
    }
  });
});

describe('hopscope replay FILE', () => {
  it('serves the recording in order, hops and all, with no target and no network', async () => {
    const hub = await replay(FIXTURE);
    try {
      const recording = await getJson<Recording>(`${hub.url}/api/replay`);
      expect(recording.title).toBe('talk.jsonl');
      expect(recording.targets.map((t) => t.name).sort()).toEqual(['dev', 'workers']);
      expect(recording.traces.length).toBeGreaterThanOrEqual(30);
      const starts = recording.traces.map((t) => t.start);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      for (const trace of recording.traces)
        expect(trace.hops.map((h) => h.hop).slice(0, 4)).toEqual(['proxy', 'server', 'queue', 'gateway']);
      expect(recording.traces.some((t) => t.path === '/error' && t.status === 500)).toBe(true);
      // Replay serves the file, not a live session: no proxies, an empty live window.
      expect(await getJson<unknown[]>(`${hub.url}/api/targets`)).toEqual([]);
      expect(await getJson<unknown[]>(`${hub.url}/api/traces`)).toEqual([]);
    } finally {
      await hub.stop();
    }
  });

  it('replays a file written by the official OpenTelemetry JS JSON serializer', async () => {
    const file = join(dir, 'otel.jsonl');
    await writeFile(file, `${otelJson(sdkSpans('/first'))}\n\n${otelJson(sdkSpans('/second'))}\n`);
    const hub = await replay(file);
    try {
      const recording = await getJson<Recording>(`${hub.url}/api/replay`);
      expect(recording.traces.map((t) => t.path)).toEqual(['/first', '/second']);
      expect(recording.traces[0]!.hops.map((h) => h.hop)).toEqual(['gateway', 'view']);
      expect(recording.targets).toEqual([{ name: 'shop', upstream: '', proxy: '' }]);
      expect(JSON.stringify(recording)).not.toContain('Bearer secret');
    } finally {
      await hub.stop();
    }
  });

  it('a hub that is not replaying answers 204 No Content on /api/replay (not an error a browser would log)', async () => {
    const live = await startHopscope({ port: 0, otlpPort: 0, targets: [] });
    try {
      const res = await request(`${live.hubUrl}/api/replay`);
      expect(res.status).toBe(204);
      expect(res.body).toBe('');
    } finally {
      await live.close();
    }
  });
});
