import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '@hopscope/cli';

const TESTS = fileURLToPath(new URL('../../integrations/wsgi/tests', import.meta.url));

describe('hopscope_wsgi (Python, standard library only)', () => {
  it('passes its unittest suite: header parsing, WSGI middleware, bounded queue, hub down, fork safety', () => {
    const run = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-v', '-s', TESTS], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toMatch(/Ran \d+ tests/);
  });
});
