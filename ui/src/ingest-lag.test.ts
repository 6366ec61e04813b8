import { describe, expect, it } from 'vitest';
import type { Hop, Trace } from '@hopscope/shared';
import { IngestLag } from './ingest-lag';
import { BASE_DELAY_MS, LiveDelay, MAX_DELAY_MS, noticeText } from './live-delay';

const hop = (name: Hop['hop'], extra: Partial<Hop> = {}): Hop => ({
  hop: name,
  start: 0,
  duration: 1,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
  ...extra,
});
const proxyOnly = (id: string, target = 'late'): Trace => ({
  traceId: id,
  target,
  method: 'GET',
  path: '/',
  start: 0,
  duration: 5,
  inFlight: false,
  hops: [hop('proxy'), hop('server')],
});
const withApp = (id: string, target = 'late'): Trace => ({
  ...proxyOnly(id, target),
  hops: [...proxyOnly(id).hops, hop('gateway'), hop('view')],
});

describe('IngestLag: how late an app’s spans arrive, per target', () => {
  it('measures from the finished proxy message to the first message with the app’s measured hops', () => {
    const lag = new IngestLag();
    lag.observe({ ...proxyOnly('a'), inFlight: true, duration: undefined }, 0);
    lag.observe(proxyOnly('a'), 100);
    lag.observe(withApp('a'), 5_100);
    // A later span of the same trace is not a second sample.
    lag.observe(withApp('a'), 9_100);
    expect(lag.lagMs('late', 5_200)).toBe(5_000);
  });

  it('app spans that came with the proxy’s end count as no lag; other targets are apart', () => {
    const lag = new IngestLag();
    lag.observe(withApp('a', 'fast'), 0);
    lag.observe(proxyOnly('b', 'slow'), 0);
    lag.observe(withApp('b', 'slow'), 3_000);
    expect(lag.lagMs('fast', 3_000)).toBe(0);
    expect(lag.lagMs('slow', 3_000)).toBe(3_000);
  });

  it('an app that reports nothing has no lag; synthesized hops are not app spans', () => {
    const lag = new IngestLag();
    lag.observe(proxyOnly('a'), 0);
    lag.observe({ ...proxyOnly('a'), hops: [...proxyOnly('a').hops, hop('gateway', { measured: false, source: 'synthesized' })] }, 2_000);
    expect(lag.lagMs('late', 2_000)).toBeUndefined();
  });

  it('forgets after half a minute: a fixed exporter setting shows', () => {
    const lag = new IngestLag();
    lag.observe(proxyOnly('a'), 0);
    lag.observe(withApp('a'), 5_000);
    lag.observe(withApp('b'), 20_000);
    expect(lag.lagMs('late', 20_000)).toBe(5_000);
    expect(lag.lagMs('late', 36_000)).toBe(0);
  });

  it('keeps bounded memory under any number of traces that never report', () => {
    const lag = new IngestLag();
    for (let i = 0; i < 50_000; i++) lag.observe(proxyOnly(`t${i}`), i);
    expect((lag as unknown as { followed: Map<string, unknown> }).followed.size).toBeLessThanOrEqual(4_096);
  });
});

describe('LiveDelay: each row as far behind as its app’s spans arrive late', () => {
  const lateBy = (ms: number) => {
    const lag = new IngestLag();
    lag.observe(proxyOnly('a'), 0);
    lag.observe(withApp('a'), ms);
    lag.observe(withApp('b', 'fast'), ms);
    return new LiveDelay(lag);
  };

  it('base delay plus the lag, capped; a small lag keeps the base delay', () => {
    expect(lateBy(5_000).wanted('late', 5_000)).toBe(BASE_DELAY_MS + 5_000);
    expect(lateBy(150).wanted('late', 150)).toBe(BASE_DELAY_MS);
    expect(lateBy(15_000).wanted('late', 15_000)).toBe(MAX_DELAY_MS);
    expect(lateBy(5_000).wanted('fast', 5_000)).toBe(BASE_DELAY_MS);
  });

  it('eases toward it: the row slows down, its time never jumps back', () => {
    const delay = lateBy(5_000);
    let behind = -Infinity;
    for (let now = 5_000; now <= 20_000; now += 16) {
      delay.update(['late', 'fast'], now);
      const rowTime = now - delay.delayMs('late');
      expect(rowTime).toBeGreaterThanOrEqual(behind);
      behind = rowTime;
    }
    expect(delay.delayMs('late')).toBe(BASE_DELAY_MS + 5_000);
    expect(delay.delayMs('fast')).toBe(BASE_DELAY_MS);
  });

  it('says which target is late, by how much, and the setting that fixes it', () => {
    const delay = lateBy(5_000);
    expect(delay.notices(['late', 'fast'], 5_000).map((n) => n.target)).toEqual(['late']);
    const text = noticeText({ target: 'late', lagMs: 4_900, delayMs: 5_400 });
    expect(text).toContain('app spans of late arrive ~5 s late');
    expect(text).toContain('OTEL_BSP_SCHEDULE_DELAY=100');
    expect(text).toContain('5.4 s behind');
    expect(lateBy(1_500).notices(['late'], 1_500)).toEqual([]);
  });
});
