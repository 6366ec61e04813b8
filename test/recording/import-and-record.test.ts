import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHopscope, type RunningHopscope } from '@hopscope/cli';
import { buildRecording, decodeExportRequestJson } from '@hopscope/server';
import { parseRecording, type Recording, type RecordingStatus, type Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';
import { otelJson, sdkSpans } from './otel-spans';

let running: RunningHopscope;
beforeAll(async () => {
  running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 2 });
});
afterAll(async () => running?.close());

const postJson = (path: string, body: string) =>
  request(running.hubUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('POST /api/import', () => {
  it('turns an export from the official OpenTelemetry JS JSON serializer into a Recording, without storing it', async () => {
    const res = await postJson('/api/import?title=shop.json', otelJson(sdkSpans('/imported')));
    expect(res.status).toBe(200);
    const recording = parseRecording(JSON.parse(res.body));
    expect(recording?.title).toBe('shop.json');
    expect(recording?.traces.map((t) => [t.path, t.worker, t.hops.map((h) => h.hop)])).toEqual([
      ['/imported', '4242', ['gateway', 'view']],
    ]);
    expect(res.body).not.toContain('Bearer secret');
    const live = await getJson<Trace[]>(`${running.hubUrl}/api/traces?limit=1000`);
    expect(live.some((t) => t.path === '/imported')).toBe(false);
  });

  it('an import over 64 MiB gets 413 HOPSCOPE_HUB_TOO_LARGE, and the hub keeps serving', async () => {
    const res = await postJson('/api/import', `[${' '.repeat(65 * 1024 * 1024)}]`);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toBe('HOPSCOPE_HUB_TOO_LARGE');
    expect((await postJson('/api/import', otelJson(sdkSpans('/after')))).status).toBe(200);
  });

  it('takes a JSON-lines file as the browser sends it (an array), oldest trace first', async () => {
    const first = otelJson(sdkSpans('/first', 'GET /first', Date.now() - 1000));
    const second = otelJson(sdkSpans('/second', 'GET /second', Date.now()));
    const res = await postJson('/api/import?title=two.jsonl', `[${second},${first}]`);
    const recording = JSON.parse(res.body) as Recording;
    expect(recording.traces.map((t) => t.path)).toEqual(['/first', '/second']);
    expect(recording.targets).toEqual([{ name: 'shop', upstream: '', proxy: '' }]);
  });

  it('names the element that is not OTLP, and the hub keeps serving', async () => {
    const res = await postJson(
      '/api/import',
      `[${otelJson(sdkSpans('/ok'))}, {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":7}]}]}]}]`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'HOPSCOPE_HUB_BAD_OTLP', message: expect.stringContaining('element 1') });
    const notJson = await postJson('/api/import', '{"resourceSpans": [');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toBe('HOPSCOPE_HUB_BAD_OTLP');
    expect((await request(`${running.hubUrl}/api/targets`)).status).toBe(200);
  });
});

describe('the Record button API', () => {
  it('records finished spans between start and stop, and downloads them as OTLP JSON lines', async () => {
    const [dev, workers] = running.targets;
    const started = await postJson('/api/recording', '{"action":"start"}');
    expect(JSON.parse(started.body)).toEqual({ recording: true, spans: 0, dropped: 0 });
    await request(`${dev!.proxy}/items/11`);
    await request(`${workers!.proxy}/items/12`);
    // Recorded spans are the finished ones: wait until both requests' app spans are in.
    await vi.waitFor(
      async () => {
        const status = await getJson<RecordingStatus>(`${running.hubUrl}/api/recording`);
        expect(status.spans).toBeGreaterThanOrEqual(2 * 6);
      },
      { timeout: 10_000 },
    );
    const stopped = JSON.parse((await postJson('/api/recording', '{"action":"stop"}')).body) as RecordingStatus;
    expect(stopped.recording).toBe(false);
    await request(`${dev!.proxy}/items/13`);

    const download = await request(`${running.hubUrl}/api/recording.jsonl`);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toContain('application/x-ndjson');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="hopscope-\d{8}-\d{6}\.jsonl"$/);
    const spans = download.body
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => decodeExportRequestJson(line));
    expect(spans.length).toBe(stopped.spans);
    const paths = buildRecording(spans, 'x').traces.map((t) => `${t.target} ${t.path}`);
    expect(paths.sort()).toEqual(['dev /items/11', 'workers /items/12']);
  });

  it('starting again clears the previous recording; nothing recorded → 404', async () => {
    const status = JSON.parse((await postJson('/api/recording', '{"action":"start"}')).body) as RecordingStatus;
    expect(status.spans).toBe(0);
    await postJson('/api/recording', '{"action":"stop"}');
    const res = await request(`${running.hubUrl}/api/recording.jsonl`);
    expect(res.status).toBe(404);
    expect((await postJson('/api/recording', '{"action":"rewind"}')).status).toBe(400);
  });
});
