import { describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { journeyOf, PARTICLE_BUDGET, placeParticles, stationAt, type RowGeometry } from './layout';
import { labelLines, laneY, NORMAL_METRICS, PRESENTATION_METRICS, rowBands, rowStations, stationPitch, stationX } from './row-geometry';
import { allStationLabels, stationLabel } from './stack-words';
import { dbCall, hop } from './test-traces';

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
const geometry: RowGeometry = { width: 1200, top: 0, lanes: ['7', '8'], stations: rowStations(false, []), metrics: NORMAL_METRICS };

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
    expect(byId.get('a')!.x).toBeLessThan(stationX('server', geometry));
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
      expect(Math.abs(byId.get(id)!.x - stationX('server', geometry))).toBeLessThanOrEqual(stationPitch(geometry).box / 2);
      expect(byId.get(id)!.y).not.toBe(byId.get('c')!.y);
    }
    expect(byId.get('a')!.x).not.toBe(byId.get('b')!.x);
  });

  it('app hops run on the worker lane', () => {
    const { particles } = placeParticles([full()], 60, geometry);
    const other = placeParticles([{ ...full(), worker: '8' }], 60, geometry).particles;
    expect(particles[0]!.y).not.toBe(other[0]!.y);
    expect(particles[0]!.x).toBe(stationX('view', geometry));
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

  it('fit their box, on two lines where boxes are narrow: ≈ 0.6 em a character of bold text', () => {
    // Normal type: every station at a 1024 px page. A projector's 24 px type: the usual seven (a database, no browser) from 1280 px;
    // narrower, a label may be squeezed a little (the browser test measures it).
    const cases = [990, 1250, 1600].map((width) => ({ width, metrics: NORMAL_METRICS, stations: rowStations(true, ['db', 'http']) }));
    cases.push(...[1250, 1600].map((width) => ({ width, metrics: PRESENTATION_METRICS, stations: rowStations(false, ['db']) })));
    for (const { width, metrics, stations } of cases) {
      const row: RowGeometry = { ...geometry, width, metrics, stations };
      const room = stationPitch(row).box - 10;
      const longestLine = (label: string) =>
        labelLines(row) === 1
          ? label.length
          : Math.min(label.length, ...[...label.matchAll(/ /g)].map((m) => Math.max(m.index, label.length - m.index - 1)));
      for (const label of allStationLabels())
        expect(longestLine(label) * 0.6 * metrics.labelFont, `${label} at ${width}`).toBeLessThanOrEqual(room);
    }
  });
});

describe('a row keeps its picture inside itself', () => {
  it('150 waiting requests: one line leftwards inside the row, the rest one "+N waiting" count, nothing below the row', () => {
    const burst = Array.from({ length: 150 }, (_, i) => full(`q${i}`, i * 0.01));
    for (const metrics of [NORMAL_METRICS, PRESENTATION_METRICS]) {
      const row: RowGeometry = { ...geometry, top: 300, metrics };
      const { particles, waitingBeyond } = placeParticles(burst, 20, row);
      const bands = rowBands(row);
      expect(particles.length + waitingBeyond).toBe(150);
      expect(waitingBeyond).toBeGreaterThan(0);
      for (const p of particles) {
        expect(p.station).toBe('queue');
        expect(p.x - metrics.radius).toBeGreaterThanOrEqual(0);
        expect(p.x + metrics.radius).toBeLessThan(stationX('server', row) - stationPitch(row).box / 2);
        expect(p.y - metrics.radius).toBeGreaterThan(bands.boxTop + bands.boxHeight);
        expect(p.y + metrics.radius).toBeLessThan(bands.laneBottom);
      }
    }
  });

  it('32 worker lanes: the row grows, labels a line apart, all above the statistics band', () => {
    const lanes = Array.from({ length: 32 }, (_, i) => String(1000 + i));
    const row: RowGeometry = { ...geometry, lanes };
    const ys = lanes.map((l) => laneY(row, l));
    for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(NORMAL_METRICS.laneFont + 2);
    expect(ys.at(-1)!).toBeLessThan(rowBands(row).statY - NORMAL_METRICS.statFont);
    expect(ys[0]!).toBeGreaterThan(rowBands(row).boxTop + rowBands(row).boxHeight);
  });
});

describe('calls: the Database station', () => {
  /** The view (42–80) runs the same query ten times, 3 ms apart. */
  const nPlusOne = (): Trace => ({
    ...full(),
    calls: Array.from({ length: 10 }, (_, i) => dbCall(43 + i * 3, 2)),
    findings: [{ kind: 'repeated_query', statement: 'SELECT * FROM items WHERE id = ?', count: 10, totalMs: 20 }],
  });

  it('a request is at the Database station during each query, back at the view between them', () => {
    expect([43.5, 45.5, 46.5, 75].map((at) => stationAt(nPlusOne(), at))).toEqual(['db', 'view', 'db', 'view']);
  });

  it('its journey goes to the Database and back ten times, then on to the response', () => {
    const journey = journeyOf(nPlusOne());
    expect(journey.filter((s) => s === 'db')).toHaveLength(10);
    expect(journey.slice(0, 5)).toEqual(['proxy', 'queue', 'gateway', 'route', 'view']);
    expect(journey.slice(-4)).toEqual(['response', 'server', 'proxy', 'done']);
  });

  it('is drawn after View, on the lane of the worker, only for a target that made calls', () => {
    expect(rowStations(false, [])).not.toContain('db');
    const row: RowGeometry = { ...geometry, stations: rowStations(false, ['db']) };
    expect(row.stations.indexOf('db')).toBe(row.stations.indexOf('view') + 1);
    const [p] = placeParticles([nPlusOne()], 43.5, row).particles;
    expect(p!.station).toBe('db');
    expect(p!.x).toBe(stationX('db', row));
    expect(p!.y).toBe(laneY(row, '7'));
  });
});
