import { describe, expect, it } from 'vitest';
import { ATTR_THREAD_ID, type Trace } from '@hopscope/shared';
import { DashboardModel, LANE_IDLE_MS, MAX_TRACES } from './model';
import { PlaybackClock } from './clock';
import { BASE_DELAY_MS } from './live-delay';
import { Playback } from './playback';
import { hop, trace } from './test-traces';
import { laneLabels } from './lanes';

describe('DashboardModel', () => {
  it('a late, stale in-flight message does not turn a finished trace back into a running one', () => {
    const model = new DashboardModel();
    model.apply({ type: 'trace', trace: trace('a') });
    model.apply({ type: 'trace', trace: trace('a', { inFlight: true, duration: undefined }) });
    expect(model.traces.get('a')!.inFlight).toBe(false);
  });

  it('out-of-order versions: the more complete finished trace wins', () => {
    const model = new DashboardModel();
    const full = trace('a', { hops: [hop('proxy', 1000, 10), hop('server', 1001, 8), hop('view', 1002, 5)] });
    model.apply({ type: 'trace', trace: full });
    model.apply({ type: 'trace', trace: trace('a') });
    expect(model.traces.get('a')!.hops).toHaveLength(3);
  });

  it('traces with missing hops (proxy-only targets) are kept and listed newest first', () => {
    const model = new DashboardModel();
    model.apply({ type: 'trace', trace: trace('a', { target: 'app' }) });
    model.apply({ type: 'trace', trace: trace('b', { target: 'app', status: 502, error: 'upstream_connect_refused' }) });
    expect(model.list().map((t) => t.traceId)).toEqual(['b', 'a']);
    expect(model.list({ status: 'error' }).map((t) => t.traceId)).toEqual(['b']);
    expect(model.targets.map((t) => t.name)).toEqual(['app']);
  });

  it('worker lanes appear with their first request and disappear after being idle', () => {
    const model = new DashboardModel();
    model.apply({ type: 'trace', trace: trace('a', { worker: '12', start: 1000 }) });
    model.apply({ type: 'trace', trace: trace('b', { worker: '9', start: 5000 }) });
    expect(model.lanes('dev', 6000)).toEqual(['9', '12']);
    expect(model.lanes('dev', 1010 + LANE_IDLE_MS + 1)).toEqual(['9']);
  });

  it("Werkzeug's threads: one lane per thread within the process, grouped by process", () => {
    const model = new DashboardModel();
    const threaded = (id: string, worker: string, thread: number) =>
      trace(id, { worker, hops: [hop('proxy', 1000, 10), hop('gateway', 1001, 8, { attributes: { [ATTR_THREAD_ID]: thread } })] });
    model.upsert(threaded('a', '500', 140_002));
    model.upsert(threaded('b', '40', 77));
    model.upsert(threaded('c', '500', 140_001));
    model.upsert(trace('d', { worker: '40', hops: [hop('proxy', 1000, 10)] }));
    expect(model.lanes('dev', 1010)).toEqual(['40', '40/77', '500/140001', '500/140002']);
    expect(laneLabels(model.lanes('dev', 1010))).toEqual(['pid 40', 'pid 40 · t1', 'pid 500 · t1', '· t2']);
    // One thread per process (Gunicorn's sync workers report thread.id too): the pid alone.
    expect(laneLabels(['7/139', '8/139'])).toEqual(['pid 7', 'pid 8']);
  });

  it("knows each target's stack from its newest spans; none before they arrive", () => {
    const model = new DashboardModel();
    model.apply({ type: 'trace', trace: trace('a', { target: 'api' }) });
    expect(model.stackOf('api')).toBeUndefined();
    model.apply({ type: 'trace', trace: trace('b', { target: 'api', stack: 'asgi' }) });
    model.apply({ type: 'trace', trace: trace('c', { target: 'web', stack: 'node' }) });
    expect([model.stackOf('api'), model.stackOf('web')]).toEqual(['asgi', 'node']);
  });

  it('a target whose app spans arrive 5 s late is drawn further behind live, the others are not', () => {
    const model = new DashboardModel();
    const playback = new Playback(model);
    const late = (extra: Partial<Trace>) => trace('a', { target: 'late', ...extra });
    model.apply({ type: 'trace', trace: late({}) }, 0);
    model.apply({ type: 'trace', trace: late({ hops: [hop('proxy', 1000, 10), hop('gateway', 1001, 8)] }) }, 5_000);
    model.apply({ type: 'trace', trace: trace('b', { target: 'fast', hops: [hop('proxy', 1000, 10), hop('gateway', 1001, 8)] }) }, 5_000);
    let rows = playback.rowTimes(['late', 'fast'], 100_000, 5_000);
    for (let real = 5_000; real <= 30_000; real += 100) rows = playback.rowTimes(['late', 'fast'], 100_000, real);
    expect(rows.get('fast')).toBe(100_000);
    expect(rows.get('late')).toBe(100_000 - 5_000);
    expect(playback.liveDelay.delayMs('late')).toBe(BASE_DELAY_MS + 5_000);
  });

  it('memory is bounded: the oldest traces are forgotten', () => {
    const model = new DashboardModel();
    for (let i = 0; i < MAX_TRACES + 10; i++) model.upsert(trace(`t${i}`));
    expect(model.traces.size).toBe(MAX_TRACES);
    expect(model.traces.has('t0')).toBe(false);
  });
});

describe('PlaybackClock', () => {
  it('runs behind real time, slows down and pauses without jumping', () => {
    let real = 10_000;
    const clock = new PlaybackClock(() => real, 400);
    expect(clock.now()).toBe(9_600);
    clock.setRate(0.1);
    real += 1_000;
    expect(clock.now()).toBeCloseTo(9_700);
    clock.setPaused(true);
    real += 5_000;
    expect(clock.now()).toBeCloseTo(9_700);
    clock.goLive();
    expect(clock.now()).toBe(real - 400);
  });
});
