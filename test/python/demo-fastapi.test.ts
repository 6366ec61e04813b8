import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPython } from '@hopscope/demo';
import type { Trace } from '@hopscope/shared';
import { startHopscopeProcess } from '../support/bin';
import { request } from '../support/http';
import { requirePrerequisites } from '../support/prerequisites';
import { CURRENT_PYTHON, CURRENT_RELEASES, CURRENT_VENV, DEBIAN_FASTAPI, DEBIAN_PYTHON, finishedTrace } from './pythons';

const available = requirePrerequisites([DEBIAN_FASTAPI, CURRENT_RELEASES]);
const fakeBin = mkdtempSync(path.join(tmpdir(), 'hopscope-fake-python-'));
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

describe.skipIf(!available.ok)(`hopscope demo --fastapi${available.note}`, () => {
  it('takes the python3 first on PATH when it has FastAPI, else Debian’s, and says why', () => {
    const venv = findPython(['fastapi', 'uvicorn'], { PATH: `${path.join(CURRENT_VENV, 'bin')}:/usr/bin:/bin` });
    expect(venv.choice?.python).toBe(CURRENT_PYTHON);
    expect(venv.choice?.description).toBe(`python3 on PATH (${CURRENT_PYTHON})`);
    expect(venv.choice?.gunicorn).toEqual([CURRENT_PYTHON, '-m', 'gunicorn']);
    // A python3 on PATH that cannot import FastAPI (here one that cannot import anything).
    writeFileSync(path.join(fakeBin, 'python3'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(fakeBin, 'python3'), 0o755);
    const fallback = findPython(['fastapi', 'uvicorn'], { PATH: `${fakeBin}:/usr/bin:/bin` });
    expect(fallback.choice?.python).toBe(DEBIAN_PYTHON);
    expect(fallback.choice?.description).toBe(`Debian's ${DEBIAN_PYTHON}`);
    expect(fallback.tried).toEqual([`python3 on PATH (${path.join(fakeBin, 'python3')}) has no fastapi, uvicorn`]);
  });

  it('runs the example under uvicorn and Gunicorn’s uvicorn workers, each behind a proxy, with the Python on PATH', async () => {
    const env = { PATH: `${path.join(CURRENT_VENV, 'bin')}:${process.env.PATH ?? ''}` };
    const args = ['demo', '--fastapi', '--port', '0', '--otlp-port', '0', '--proxy-port', '0', '--workers', '2'];
    const demo = await startHopscopeProcess(args, /Press Ctrl\+C to stop/, env, 150_000);
    try {
      const output = demo.output();
      expect(output).toContain(
        `FastAPI example (python3 on PATH (${CURRENT_PYTHON})): uvicorn; gunicorn -k uvicorn.workers.UvicornWorker -w 2`,
      );
      const hubUrl = /dashboard\s+(\S+)/.exec(output)![1]!;
      for (const target of ['uvicorn', 'gunicorn-uvicorn']) {
        const proxyUrl = new RegExp(`proxy ${target}\\s+(\\S+)`).exec(output)![1]!;
        expect(JSON.parse((await request(`${proxyUrl}/items/7`)).body)).toEqual({ id: 7, name: 'item 7' });
        const trace: Trace = await finishedTrace(hubUrl, target, '/items/7');
        expect(trace.route).toBe('/items/{item_id}');
      }
    } finally {
      expect(await demo.stop()).toBe(0);
    }
  }, 240_000);
});
