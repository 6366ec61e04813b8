import { describe, expect, it } from 'vitest';
import { particleShape, type DrawnParticle } from './flow-particles';

const particle = (extra: Partial<DrawnParticle>): DrawnParticle => ({
  traceId: 't',
  x: 0,
  y: 0,
  station: 'view',
  shown: 'view',
  failed: false,
  finding: false,
  ...extra,
});

describe('particle shapes: state is never told by colour alone', () => {
  it('a request on its way is a circle, one waiting a diamond, a failed one a triangle', () => {
    const moving = particleShape(particle({}), 7);
    const waiting = particleShape(particle({ station: 'queue', shown: 'queue' }), 7);
    const failed = particleShape(particle({ failed: true }), 7);
    expect(moving).toContain('a7,7');
    expect(waiting).toBe('M0,-8.4L8.4,0L0,8.4L-8.4,0Z');
    expect(failed.match(/L/g)).toHaveLength(2);
    expect(new Set([moving, waiting, failed]).size).toBe(3);
  });

  it('a failed request that waited is still drawn failed: the failure is what matters', () => {
    expect(particleShape(particle({ failed: true, shown: 'queue' }), 7)).toBe(particleShape(particle({ failed: true }), 7));
  });
});
