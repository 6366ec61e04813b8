import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '@hopscope/cli';
import * as semconv from '../../shared/src/semconv';

const PACKAGE = fileURLToPath(new URL('../../integrations/wsgi', import.meta.url));

/** The keys hopscope_wsgi writes, as the package itself lists them (its own tests check the list is complete). */
function pythonKeys(): { attributes: string[]; exceptionEvent: string } {
  const script = [
    'import json, sys',
    'sys.path.insert(0, sys.argv[1])',
    'from hopscope_wsgi import _spans',
    'print(json.dumps({"attributes": list(_spans.ATTRIBUTE_KEYS), "exceptionEvent": _spans.EVENT_EXCEPTION}))',
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script, PACKAGE], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { attributes: string[]; exceptionEvent: string };
}

describe('attribute keys are defined once, in shared/src/semconv.ts', () => {
  it('every key the Python integration writes is declared there', () => {
    const declared = new Set<unknown>(Object.values(semconv));
    const { attributes, exceptionEvent } = pythonKeys();
    expect(attributes).toContain(semconv.ATTR_HOPSCOPE_HOP);
    expect(attributes.filter((key) => !declared.has(key))).toEqual([]);
    expect(exceptionEvent).toBe(semconv.EVENT_EXCEPTION);
  });
});
