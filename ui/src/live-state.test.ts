import { describe, expect, it } from 'vitest';
import { liveState } from './live-state';

describe('the live badge', () => {
  it('says paused when paused, n s behind once well off the live edge, else live', () => {
    expect(liveState(true, 0)).toEqual({ kind: 'paused' });
    expect(liveState(false, 200)).toEqual({ kind: 'live' });
    expect(liveState(false, 1_500)).toEqual({ kind: 'live' });
    expect(liveState(false, 4_400)).toEqual({ kind: 'behind', seconds: 4 });
  });
});
