import { describe, expect, it } from 'vitest';
import type { Recording, Trace } from '@hopscope/shared';
import { hop } from '../test-traces';
import { ReplaySession } from './session';

const trace = (id: string, start: number, duration: number, extra: Partial<Trace> = {}): Trace => ({
  traceId: id,
  target: 'dev',
  method: 'GET',
  path: `/${id}`,
  status: 200,
  start,
  duration,
  inFlight: false,
  hops: [hop('proxy', start, duration), hop('server', start + 1, duration - 2), hop('gateway', start + 2, duration - 4)],
  ...extra,
});
const recording = (traces: Trace[]): Recording => ({
  version: 1,
  title: 't',
  targets: [{ name: 'dev', upstream: '', proxy: '' }],
  traces,
  start: traces[0]!.start,
  end: Math.max(...traces.map((t) => t.start + (t.duration ?? 0))),
});

describe('ReplaySession', () => {
  // Given out of order, as an import might be; one long request overlaps the short ones.
  const session = new ReplaySession(
    recording([
      trace('b', 1_100, 20),
      trace('long', 1_000, 5_000, { worker: '7' }),
      trace('c', 9_000, 20, { target: 'workers', worker: '8', status: 500 }),
    ]),
  );

  it('draws what runs at the playhead, including a long request that started long before', () => {
    expect(session.activeAt(1_110).map((t) => t.traceId)).toEqual(['long', 'b']);
    expect(session.activeAt(5_500).map((t) => t.traceId)).toEqual(['long']);
    expect(session.activeAt(8_000)).toEqual([]);
  });

  it('lists, newest first, only what has started by the playhead, and scrubbing back forgets it again', () => {
    expect(session.list({}, 10, 9_010).map((t) => t.traceId)).toEqual(['c', 'b', 'long']);
    expect(session.list({}, 10, 1_050).map((t) => t.traceId)).toEqual(['long']);
    expect(session.list({ status: 'error' }, 10, 9_010).map((t) => t.traceId)).toEqual(['c']);
  });

  it('adds targets the recording only names in its traces, and draws a lane per worker seen lately', () => {
    expect(session.targets.map((t) => t.name)).toEqual(['dev', 'workers']);
    expect(session.lanes('dev', 2_000)).toEqual(['7']);
    expect(session.lanes('workers', 2_000)).toEqual([]);
    expect(session.lanes('workers', 9_010)).toEqual(['8']);
  });

  it('counts at the playhead: finished requests in the window, the long one still in flight', () => {
    const at1200 = session.statsAt(1_200).targets.dev!;
    expect(at1200.requests).toBe(1);
    expect(at1200.inFlight).toBe(1);
    const end = session.statsAt(9_100).targets.workers!;
    expect(end.errors).toBe(1);
    expect(end.errorRate).toBe(1);
  });
});
