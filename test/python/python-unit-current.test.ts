import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requirePrerequisites } from '../support/prerequisites';
import { CURRENT_PYTHON, CURRENT_RELEASES } from './pythons';

const TESTS = fileURLToPath(new URL('../../integrations/wsgi/tests', import.meta.url));
const available = requirePrerequisites([CURRENT_RELEASES]);

/**
 * The Python suite (test/flask/python-unit.test.ts runs it under Debian's python3) again under
 * the current releases of Flask, Django, FastAPI and Starlette. Every test must run: a file that
 * fails to import simply vanishes from unittest's count, so the count is every `def test_` there is.
 */
function testsWritten(): number {
  return readdirSync(TESTS)
    .filter((name) => /^test_.*\.py$/.test(name))
    .reduce((sum, name) => sum + (readFileSync(path.join(TESTS, name), 'utf8').match(/^\s+def test_/gm) ?? []).length, 0);
}

describe.skipIf(!available.ok)(`hopscope_wsgi and hopscope_asgi under the current releases from PyPI${available.note}`, () => {
  it('passes every test of the Python suite, none skipped but for a missing uWSGI', () => {
    const run = spawnSync(CURRENT_PYTHON, ['-m', 'unittest', 'discover', '-v', '-s', TESTS], {
      encoding: 'utf8',
      timeout: 150_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(run.stderr, output).toMatch(new RegExp(`^Ran ${testsWritten()} tests in `, 'm'));
    const skipped = [...run.stderr.matchAll(/ \.\.\. skipped '(.*)'$/gm)].map((m) => m[1]);
    expect(
      skipped.filter((reason) => reason !== 'uwsgi with the python3 plugin is not installed'),
      output,
    ).toEqual([]);
  }, 180_000);
});
