import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '@hopscope/shared';
import { PARTICLE_BUDGET, placeParticles, stationAt, stationX, type RowGeometry } from './layout';

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

  it('a proxy-only trace (no app hops) stays at the server while the upstream works', () => {
    const t: Trace = { ...full(), hops: [hop('proxy', 0, 100), hop('server', 5, 90)] };
    expect(stationAt(t, 50)).toBe('queue');
  });

  it('a request in flight stays at its station until its spans end', () => {
    const t: Trace = {
      ...full(),
      inFlight: true,
      duration: undefined,
      hops: [hop('proxy', 0, 10, { inFlight: true }), hop('server', 1, 9, { inFlight: true })],
    };
    expect(stationAt(t, 10_000)).toBe('queue');
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
