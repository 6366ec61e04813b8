import { describe, expect, it } from 'vitest';
import type { HopName } from '@hopscope/shared';
import { attributeDifference, type HopSeries } from './hop-attribution';
import { normals } from './test-series';

/** A run's per-hop series: each hop normal around its mean; the proxy hop is the sum of the others plus the proxy's own time (`proxyOwn`, `proxySd`). */
function run(seed: number, means: Partial<Record<HopName, number>>, sd = 1, n = 2_000, proxyOwn = 1, proxySd = 0.2): HopSeries {
  const series: HopSeries = {};
  let s = seed;
  for (const [hop, mean] of Object.entries(means) as Array<[HopName, number]>) series[hop] = normals(n, s++, mean, sd);
  const inside = ['route', 'view', 'response'] as const;
  series.gateway = series.gateway!.map((g, i) => g + inside.reduce((sum, h) => sum + (series[h]?.[i] ?? 0), 0));
  series.proxy = series.gateway.map((g, i) => g + (series.queue?.[i] ?? 0) + normals(1, s + i)[0]! * proxySd + proxyOwn);
  return series;
}

const base = { queue: 5, gateway: 2, route: 0.1, view: 20, response: 1 };

describe('attributeDifference', () => {
  it('does not name a hop whose difference is a small part of the whole (0.1 ms of a 1% gap)', () => {
    // Of +0.3 ms in all (about 1%), the gateway's own time is +0.1 ms; the rest is outside the app.
    const a = run(1, base, 0.05);
    const b = run(100, { ...base, gateway: 2.1 }, 0.05, 2_000, 1.2);
    expect(attributeDifference(a, b)).toBeUndefined();
  });

  it('names the hop that explains most of a significant difference, with its interval', () => {
    const a = run(1, base);
    const b = run(100, { ...base, queue: 35 });
    const found = attributeDifference(a, b)!;
    expect(found.hop).toBe('queue');
    expect(found.difference.low).toBeGreaterThan(29);
    expect(found.difference.high).toBeLessThan(31);
    expect(found.total.estimate).toBeGreaterThan(29);
  });

  it('names the view rather than the gateway that contains it', () => {
    // The gateway's difference (+20.5 ms, its own +0.5 and the view's +20) is larger, but the view says more.
    const found = attributeDifference(run(1, base), run(100, { ...base, view: 40, gateway: 2.5 }))!;
    expect(found.hop).toBe('view');
  });

  it('names nothing when the whole difference is not significant, even if a hop differs clearly', () => {
    // The queue +0.5 ms, clearly; but the proxy's own time is so noisy that the whole request's +0.5 ms is not.
    const a = run(1, base, 0.05, 2_000, 1, 20);
    const b = run(100, { ...base, queue: 5.5 }, 0.05, 2_000, 1, 20);
    expect(attributeDifference(a, b)).toBeUndefined();
  });

  it('names nothing when the hop that would explain it is itself within noise', () => {
    const a = run(1, base, 0.1);
    const b = run(100, { ...base, queue: 8 }, 0.1);
    // The same +3 ms on average, but spread so wide that it could as well be 0.
    const wide = normals(2_000, 7, 0, 400);
    const offset = 8 - wide.reduce((sum, v) => sum + v, 0) / wide.length;
    b.queue = wide.map((v) => v + offset);
    expect(attributeDifference(a, b)).toBeUndefined();
  });

  it('does not name a hop that moved the other way', () => {
    // The gateway's own time +30 ms, the queue −20 ms: +10 ms in all, and that is the gateway's doing.
    const a = run(1, { ...base, queue: 25 });
    const b = run(100, { ...base, queue: 5, gateway: 32 });
    expect(attributeDifference(a, b)!.hop).toBe('gateway');
  });

  it('without the whole request (no proxy hop) there is nothing to explain', () => {
    const a = run(1, base);
    const b = run(100, { ...base, queue: 35 });
    delete a.proxy;
    expect(attributeDifference(a, b)).toBeUndefined();
  });
});
