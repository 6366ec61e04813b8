import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '@hopscope/shared';
import { PARTICLE_BUDGET, placeParticles, STATION_BOX_WIDTH, stationAt, stationX, type RowGeometry } from './layout';
import { allStationLabels, stationLabel } from './stack-words';

const hop = (name: Hop['hop'], start: number, duration: number, extra: Partial<Hop> = {}): Hop => ({
  hop: name,
  start,
  duration,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
  ...extra,
});
/** proxy 0–100, server 5–95, waiting 5–40, gateway 40–90, route 41–42, view 42–80, response 80–90. */
const full = (id = 't', start = 0): Trace => ({
  traceId: id,
  target: 'workers',
  method: 'GET',
  path: '/slow',
  start,
  duration: 100,
  status: 200,
  worker: '7',
  inFlight: false,
  hops: [
    hop('proxy', start, 100),
    hop('server', start + 5, 90),
    hop('queue', start + 5, 35, { measured: false, source: 'derived' }),
    hop('gateway', start + 40, 50),
    hop('route', start + 41, 1),
    hop('view', start + 42, 38),
    hop('response', start + 80, 10),
  ],
});
const geometry: RowGeometry = { width: 1200, rowHeight: 190, top: 0, lanes: ['7', '8'] };

describe('stationAt: the innermost hop running at a time', () => {
  it('walks the journey in order', () => {
    const t = full();
    expect([-1, 2, 20, 40.5, 41.5, 60, 85, 92, 150].map((at) => stationAt(t, at))).toEqual([
      undefined,
      'proxy',
      'queue',
      'gateway',
      'route',
      'view',
      'response',
      'server',
      'done',
    ]);
  });

  it('a proxy-only trace (no app hops) is at the server, not reported — never waiting', () => {
    const t: Trace = { ...full(), hops: [hop('proxy', 0, 100), hop('server', 5, 90)] };
    expect(stationAt(t, 50)).toBe('unreported');
  });

  it('a request in flight whose app spans have not arrived is not reported yet, however long it runs', () => {
    const t: Trace = {
      ...full(),
      inFlight: true,
      duration: undefined,
      hops: [hop('proxy', 0, 10, { inFlight: true }), hop('server', 1, 9, { inFlight: true })],
    };
    expect(stationAt(t, 10_000)).toBe('unreported');
  });

  it('waits in line only while the derived queue hop runs; a zero-length queue is no wait at all', () => {
    const noWait: Trace = {
      ...full(),
      hops: full().hops.map((h) => (h.hop === 'queue' ? { ...h, duration: 0 } : h.hop === 'gateway' ? { ...h, start: 5 } : h)),
    };
    expect(stationAt(noWait, 5)).toBe('gateway');
    expect(stationAt(full(), 5)).toBe('queue');
    expect(stationAt(full(), 39.9)).toBe('queue');
  });

  it('app hops synthesized from Server-Timing (no queue hop): at the server, not waiting', () => {
    const t: Trace = {
      ...full(),
      hops: [hop('proxy', 0, 100), hop('server', 5, 90), hop('gateway', 60, 30, { measured: false, source: 'synthesized' })],
    };
    expect(stationAt(t, 30)).toBe('server');
  });
});

describe('placeParticles', () => {
  it('puts waiting requests in a line in front of the server, oldest nearest', () => {
    const a = full('a', 0);
    const b = full('b', 3);
    const { particles } = placeParticles([b, a], 20, geometry);
    const byId = new Map(particles.map((p) => [p.traceId, p]));
    expect(byId.get('a')!.station).toBe('queue');
    expect(byId.get('a')!.x).toBeGreaterThan(byId.get('b')!.x);
    expect(byId.get('a')!.x).toBeLessThan(stationX('server', 1200));
  });

  it('not-reported requests sit on the server station, apart from the waiting line', () => {
    const late = (id: string): Trace => ({
      ...full(id),
      inFlight: true,
      duration: undefined,
      hops: [hop('proxy', 0, 200, { inFlight: true }), hop('server', 5, 195, { inFlight: true })],
    });
    const { particles } = placeParticles([late('a'), late('b'), full('c')], 20, geometry);
    const byId = new Map(particles.map((p) => [p.traceId, p]));
    expect(byId.get('a')!.station).toBe('unreported');
    expect(byId.get('c')!.station).toBe('queue');
    // Under the server box, clear of the waiting line (particles have a 7 px radius).
    for (const id of ['a', 'b']) {
      expect(Math.abs(byId.get(id)!.x - stationX('server', 1200))).toBeLessThanOrEqual(STATION_BOX_WIDTH / 2);
      expect(byId.get(id)!.y + 7).toBeLessThan(byId.get('c')!.y - 7);
    }
    expect(byId.get('a')!.x).not.toBe(byId.get('b')!.x);
  });

  it('app hops run on the worker lane', () => {
    const { particles } = placeParticles([full()], 60, geometry);
    const other = placeParticles([{ ...full(), worker: '8' }], 60, geometry).particles;
    expect(particles[0]!.y).not.toBe(other[0]!.y);
    expect(particles[0]!.x).toBe(stationX('view', 1200));
  });

  it('a failed request turns red once it reaches the failing hop', () => {
    const failed: Trace = {
      ...full(),
      status: 500,
      hops: full().hops.map((h) => (h.hop === 'view' ? { ...h, error: { type: 'ZeroDivisionError' } } : h)),
    };
    expect(placeParticles([failed], 41.5, geometry).particles[0]!.failed).toBe(false);
    expect(placeParticles([failed], 60, geometry).particles[0]!.failed).toBe(true);
  });

  it('keeps to a particle budget and counts the rest per station', () => {
    const many = Array.from({ length: PARTICLE_BUDGET + 25 }, (_, i) => full(`t${i}`, 0));
    const { particles, overflow } = placeParticles(many, 60, geometry);
    expect(particles).toHaveLength(PARTICLE_BUDGET);
    expect(overflow.get('view')).toBe(25);
  });
});

describe('station labels', () => {
  it('name the server the app is, WSGI by default', () => {
    expect(stationLabel('gateway', undefined)).toBe('Gateway (WSGI)');
    expect(stationLabel('gateway', 'asgi')).toBe('Gateway (ASGI)');
    expect(stationLabel('gateway', 'node')).toBe('Node http');
    expect(stationLabel('gateway', 'other')).toBe('Gateway');
    expect(stationLabel('view', 'node')).toBe('View');
  });

  it('fit their box: at most 16 characters of 13–14 px bold text (≈ 7.6 px each) in STATION_BOX_WIDTH', () => {
    for (const label of allStationLabels()) expect(label.length * 7.6).toBeLessThanOrEqual(STATION_BOX_WIDTH - 8);
  });
});
