import { describe, expect, it } from 'vitest';
import { requirePrerequisites, type Prerequisite } from './prerequisites';

const absent: Prerequisite = { name: 'Frobnicator', apt: 'frobnicator', present: () => false };
const here: Prerequisite = { name: 'sh', apt: 'dash', present: () => true };

describe('requirePrerequisites: no silent skips in CI', () => {
  it('with everything present, runs the tests', () => {
    expect(requirePrerequisites([here], { CI: 'true' }, new Map())).toEqual({ ok: true, note: '' });
  });

  it('on a developer machine, a missing package skips the tests and says what to install', () => {
    for (const CI of [undefined, '', 'false', '0']) {
      const availability = requirePrerequisites([here, absent], { CI }, new Map());
      expect(availability).toEqual({ ok: false, note: ' (skipped: missing Frobnicator; apt-get install frobnicator)' });
    }
  });

  it('with CI=true, a missing package fails loudly, naming the Debian package', () => {
    expect(() => requirePrerequisites([absent], { CI: 'true' }, new Map())).toThrow(
      'CI=true and Frobnicator missing: these tests would be skipped. Install it (apt-get install frobnicator; .ci/run does).',
    );
    expect(() => requirePrerequisites([absent], { CI: '1' }, new Map())).toThrow(/apt-get install frobnicator/);
  });
});
