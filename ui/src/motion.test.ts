import { describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { stationAt } from './layout';
import { DWELL_MS, ParticleMotion, TRAVEL_MS } from './motion';
import { hop, trace } from './test-traces';

/** Every app hop under a millisecond: at 60 frames a second, a frame sees proxy, then the response. */
const quick: Trace = trace('fast', {
  target: 'workers',
  duration: 2,
  worker: '7',
  hops: [
    hop('proxy', 1000, 2),
    hop('server', 1000.1, 1.8),
    hop('gateway', 1000.2, 1.5),
    hop('route', 1000.3, 0.05),
    hop('view', 1000.4, 0.3),
    hop('response', 1000.8, 0.5),
  ],
});

describe('ParticleMotion: particles walk the stations their request passed', () => {
  it('shows every station of a sub-millisecond journey, each for a moment, moving along the edges', () => {
    const motion = new ParticleMotion();
    expect(motion.follow(quick, stationAt(quick, 1000.05)!, 0)).toEqual({ from: 'proxy', to: 'proxy', progress: 0 });
    // The next frame finds the request done: the particle still walks server, gateway, route, view, response.
    const shown: string[] = [];
    for (let now = 16; now < 16 * 60; now += 16) {
      const move = motion.follow(quick, 'done', now);
      if (shown.at(-1) !== move.from) shown.push(move.from);
      if (move.progress > 0 && move.progress < 1) expect(move.to).not.toBe(move.from);
    }
    expect(shown).toEqual(['proxy', 'server', 'gateway', 'route', 'view', 'response', 'done']);
  });

  it('dwells before it moves, then takes TRAVEL_MS along the edge', () => {
    const motion = new ParticleMotion();
    motion.follow(quick, 'gateway', 0);
    expect(motion.follow(quick, 'route', 1000)).toMatchObject({ from: 'gateway', to: 'route' });
    expect(motion.follow(quick, 'route', 1000 - DWELL_MS + DWELL_MS + TRAVEL_MS / 2).progress).toBeCloseTo(0.5);
    expect(motion.follow(quick, 'route', 1000 + TRAVEL_MS + 1)).toEqual({ from: 'route', to: 'route', progress: 0 });
  });

  it('never falls far behind, jumps when sent backwards, and forgets requests no longer drawn', () => {
    const motion = new ParticleMotion();
    motion.follow(quick, 'proxy', 0);
    // Three seconds later the particle is done, not still on its way.
    motion.follow(quick, 'done', 1);
    expect(motion.follow(quick, 'done', 3_000)).toEqual({ from: 'done', to: 'done', progress: 0 });
    expect(motion.follow(quick, 'proxy', 3_001)).toEqual({ from: 'proxy', to: 'proxy', progress: 0 });
    motion.sweep(10_000);
    expect(motion.size).toBe(0);
  });
});
