import { describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { PlaybackClock } from '../clock';
import { stationAt } from '../layout';
import { captionFor, measuredTime } from './captions';
import { SlowMotion } from './controller';
import { stopsOf, stopTime } from './stops';
import { dbCall, hop } from '../test-traces';

// A Flask request as the hub assembles it: proxy ⊃ server ⊃ (queue, gateway ⊃ route, view, response).
const flask: Trace = {
  traceId: 't1',
  target: 'flask-dev',
  method: 'GET',
  path: '/items/7',
  route: '/items/<int:item_id>',
  status: 200,
  start: 1000,
  duration: 20,
  worker: '4242',
  inFlight: false,
  hops: [
    hop('proxy', 1000, 20),
    hop('server', 1001, 18),
    hop('queue', 1001, 5, { measured: false, source: 'derived' }),
    hop('gateway', 1006, 12),
    hop('route', 1006.5, 0.5),
    hop('view', 1007, 8),
    hop('response', 1015, 2.5),
  ],
};

describe('slow motion stops', () => {
  it('visits the stations in the order the diagram draws them, then the way back, then done', () => {
    expect(stopsOf(flask).map((s) => (s.returning ? `${s.station}↩` : s.station))).toEqual([
      'proxy',
      'queue',
      'gateway',
      'route',
      'view',
      'response',
      'gateway↩',
      'server',
      'proxy↩',
      'done',
    ]);
  });

  it("each step time is drawn at that step's station", () => {
    for (const stop of stopsOf(flask).slice(0, -1)) expect(stationAt(flask, stopTime(stop))).toBe(stop.station);
  });

  it('folds slivers between nested hops instead of making them steps', () => {
    const tight: Trace = { ...flask, hops: [...flask.hops.filter((h) => h.hop !== 'route'), hop('route', 1006.00001, 0.99998)] };
    expect(stopsOf(tight).filter((s) => s.station === 'gateway')).toHaveLength(2);
  });

  it('a hop reported with zero length is still a step', () => {
    const instant: Trace = { ...flask, hops: flask.hops.map((h) => (h.hop === 'route' ? { ...h, duration: 0 } : h)) };
    expect(stopsOf(instant).map((s) => s.station)).toContain('route');
  });

  it('a proxy-only trace (no app instrumentation) has proxy, the server unreported (not waiting) and done', () => {
    const bare: Trace = { ...flask, worker: undefined, route: undefined, hops: [hop('proxy', 1000, 20), hop('server', 1001, 18)] };
    const stops = stopsOf(bare);
    expect(stops.map((s) => s.station)).toEqual(['proxy', 'unreported', 'proxy', 'done']);
    expect(captionFor(stops[1]!, bare)).toContain('cannot see inside');
    expect(stops[1]!.hop?.hop).toBe('server');
  });

  it("captions say what happens there, with the trace's own route and worker", () => {
    const stops = stopsOf(flask);
    expect(
      captionFor(
        stops.find((s) => s.station === 'route')!,
        flask,
      ),
    ).toContain('/items/<int:item_id>');
    expect(
      captionFor(
        stops.find((s) => s.station === 'gateway')!,
        flask,
      ),
    ).toContain('worker 4242');
    expect(captionFor(stops.at(-1)!, flask)).toBe('Done: 200 in 20.0 ms.');
  });

  it('captions name the server the app is: WSGI by default, ASGI, Node http', () => {
    const gateway = (stack?: Trace['stack']) => {
      const trace = { ...flask, stack };
      const stops = stopsOf(trace);
      return [stops.find((s) => s.station === 'gateway' && !s.returning)!, stops.find((s) => s.station === 'gateway' && s.returning)!].map(
        (stop) => captionFor(stop, trace),
      );
    };
    expect(gateway(undefined)[0]).toMatch(/^The WSGI server accepted/);
    expect(gateway('wsgi')[1]).toContain('iterable closed');
    expect(gateway('asgi')[0]).toMatch(/^The ASGI server accepted/);
    expect(gateway('asgi').join(' ')).not.toContain('WSGI');
    expect(gateway('node')[0]).toMatch(/^Node's http server accepted/);
    expect(gateway('node').join(' ')).not.toMatch(/WSGI|iterable/);
    const queue = stopsOf({ ...flask, stack: 'node' }).find((s) => s.station === 'queue')!;
    expect(captionFor(queue, { ...flask, stack: 'node' })).toContain('event loop');
  });
});

describe('SlowMotion', () => {
  it('steps exactly one station at a time, and back', () => {
    let real = 0;
    const clock = new PlaybackClock(() => real);
    const slow = new SlowMotion(flask, clock, 0.1, () => real);
    expect(stationAt(flask, clock.now())).toBe('proxy');
    slow.stepBy(1);
    expect(slow.step).toBe(1);
    expect(stationAt(flask, clock.now())).toBe('queue');
    slow.stepBy(1);
    expect(stationAt(flask, clock.now())).toBe('gateway');
    slow.stepBy(-1);
    expect(stationAt(flask, clock.now())).toBe('queue');
    const still = clock.now();
    real += 10_000;
    expect(clock.now()).toBe(still); // a step stands still
  });

  it('plays station by station, slower at a lower rate, and stops at done', () => {
    const visit = (rate: number) => {
      let real = 0;
      const clock = new PlaybackClock(() => real);
      const slow = new SlowMotion(flask, clock, rate, () => real);
      slow.play();
      const seen: string[] = [];
      while (slow.playing && real < 60_000) {
        slow.tick();
        expect(stationAt(flask, clock.now()) ?? 'done').toBe(slow.current.station);
        if (seen.at(-1) !== slow.current.station) seen.push(slow.current.station);
        real += 16;
      }
      return { seen, took: real };
    };
    const slow = visit(0.05);
    const fast = visit(0.5);
    expect(slow.seen).toEqual(['proxy', 'queue', 'gateway', 'route', 'view', 'response', 'gateway', 'server', 'proxy', 'done']);
    expect(fast.seen).toEqual(slow.seen);
    expect(slow.took / fast.took).toBeGreaterThan(8);
  });
});

describe('slow motion through the calls a view makes', () => {
  // The view (1007–1015) runs the same SELECT ten times, 0.4 ms each.
  const nPlusOne: Trace = {
    ...flask,
    calls: Array.from({ length: 10 }, (_, i) => dbCall(1007.2 + i * 0.7, 0.4)),
    findings: [{ kind: 'repeated_query', statement: 'SELECT * FROM items WHERE id = ?', count: 10, totalMs: 4 }],
  };

  it('one Database step for the ten queries, between View and Response, with the N+1 named', () => {
    const stops = stopsOf(nPlusOne);
    expect(stops.map((s) => s.station)).toEqual([
      'proxy',
      'queue',
      'gateway',
      'route',
      'view',
      'db',
      'response',
      'gateway',
      'server',
      'proxy',
      'done',
    ]);
    const db = stops.find((s) => s.station === 'db')!;
    expect(db.calls).toHaveLength(10);
    expect(stationAt(nPlusOne, stopTime(db))).toBe('db');
    expect(captionFor(db, nPlusOne)).toBe('The view ran the same SELECT 10 times — an N+1 query.');
    expect(measuredTime(db)).toBe('4.00 ms in 10 queries (measured)');
  });

  it('a single query says what it is, without a finding', () => {
    const join: Trace = { ...flask, calls: [dbCall(1008, 1.5, 'SELECT * FROM items JOIN prices ON …')] };
    const db = stopsOf(join).find((s) => s.station === 'db')!;
    expect(captionFor(db, join)).toBe('The view queries the database (sqlite): 1 query.');
  });
});
