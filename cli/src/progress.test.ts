import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressOn } from './progress';

function streamCapture(isTTY: boolean) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  stream.isTTY = isTTY;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk));
  return { stream, text: () => text };
}

function run(isTTY: boolean): string {
  const { stream, text } = streamCapture(isTTY);
  const progress = progressOn(stream);
  progress.update('dev warmup', 'dev: warmup 0.5 s');
  progress.update('dev warmup', 'dev: warmup 1.0 s');
  progress.update('dev measure', 'dev: measure 0.5 s');
  progress.update('dev measure', 'dev: measure 2.0 s');
  progress.end();
  return text();
}

describe('progress', () => {
  it('rewrites one line in place on a terminal', () => {
    const out = run(true);
    expect(out.startsWith('\rdev: warmup 0.5 s')).toBe(true);
    expect(out.match(/\r/g)).toHaveLength(4);
    expect(out.endsWith('dev: measure 2.0 s\x1b[K\n')).toBe(true);
  });

  it('writes one plain line per phase, with its last numbers, anywhere else', () => {
    expect(run(false)).toBe('dev: warmup 1.0 s\ndev: measure 2.0 s\n');
  });
});
