import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOPSCOPE_BIN, runHopscope as runBin, startHopscopeProcess, type RunResult } from '../support/bin';

// One after the other, with room: each run starts the bin (TypeScript under tsx) on a machine that may be busy.
const runHopscope = (args: string[]) => runBin(args, {}, 60_000);
async function runEach<T extends string[][]>(...commands: T): Promise<{ [K in keyof T]: RunResult }> {
  const results: RunResult[] = [];
  for (const args of commands) results.push(await runHopscope(args));
  return results as { [K in keyof T]: RunResult };
}

/** The habits a user brings from other command-line tools: short flags, per-command help, typo hints, pipes, --open. */
let upstream: http.Server;
let upstreamUrl: string;
let scratch: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => res.end(`plain app saw ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  scratch = mkdtempSync(join(tmpdir(), 'hopscope-habits-'));
});
afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('short flags and help per command', () => {
  it('-V is --version and -h is --help', async () => {
    const [version, shortVersion, help, shortHelp] = await runEach(['--version'], ['-V'], ['--help'], ['-h']);
    expect(shortVersion.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(shortVersion.stdout).toBe(version.stdout);
    expect(shortHelp.code).toBe(0);
    expect(shortHelp.stdout).toBe(help.stdout);
  }, 240_000);

  it('COMMAND --help shows that command: its usage and only its options', async () => {
    const [up, demo, replay, exportHelp, compare] = await runEach(
      ['up', '--help'],
      ['demo', '-h'],
      ['replay', '--help'],
      ['export', '--help'],
      ['compare', '-h'],
    );
    expect(up.stdout).toMatch(/^Usage: hopscope up --target NAME=URL/);
    expect(up.stdout).toContain('--proxy-port');
    expect(up.stdout).not.toContain('--flask');
    expect(demo.stdout).toMatch(/^Usage: hopscope \[demo\]/);
    expect(demo.stdout).toContain('--flask');
    expect(demo.stdout).toContain('--workers');
    expect(demo.stdout).not.toContain('--target');
    expect(replay.stdout).toMatch(/^Usage: hopscope replay FILE/);
    expect(replay.stdout).not.toContain('--proxy-port');
    expect(exportHelp.stdout).toMatch(/^Usage: hopscope export FILE/);
    expect(exportHelp.stdout).toContain('--out');
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain('hopscope compare A B');
  }, 300_000);
});

describe('mistakes are named before anything starts', () => {
  it('a stray argument is refused with the command it was given to', async () => {
    const up = await runHopscope(['up', `app=${upstreamUrl}`]);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(`Unexpected argument "app=${upstreamUrl}"`);
    expect(up.stderr).toContain('hopscope up --help');
    expect(up.stderr).toContain('[HOPSCOPE_CLI_UNEXPECTED_ARGUMENT]');
    const replay = await runHopscope(['replay', 'one.jsonl', 'two.jsonl']);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('Unexpected argument "two.jsonl"');
  }, 120_000);

  it('a near-miss flag or command gets "did you mean", an unrelated one does not', async () => {
    const [target, workers, compare, command, unrelated] = await runEach(
      ['up', '--taget', `app=${upstreamUrl}`],
      ['demo', '--wokrers', '2'],
      ['compare', 'a', 'b', '--concurrncy', '2'],
      ['dmeo'],
      ['--frobnicate'],
    );
    expect(target.stderr).toContain("Unknown option '--taget' (did you mean --target?)");
    expect(target.stderr).toContain('[HOPSCOPE_CLI_BAD_OPTION]');
    expect(workers.stderr).toContain('did you mean --workers?');
    expect(compare.stderr).toContain('did you mean --concurrency?');
    expect(command.stderr).toContain('Unknown command "dmeo" (did you mean "demo"?)');
    expect(command.stderr).toContain('[HOPSCOPE_CLI_UNKNOWN_COMMAND]');
    expect(unrelated.stderr).toContain("Unknown option '--frobnicate'");
    expect(unrelated.stderr).not.toContain('did you mean');
    for (const result of [target, workers, compare, command, unrelated]) expect(result.code).toBe(1);
  }, 300_000);
});

describe('pipes', () => {
  it('a reader that has gone (… | head -1) ends hopscope quietly, without a stack trace', async () => {
    const results = [await runWithClosedStdout(['--help']), await runWithClosedStdout(['compare', '--help'])];
    for (const { code, stderr } of results) {
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  }, 120_000);
});

describe('--open', () => {
  it('hands the dashboard URL to the desktop opener, and a failing opener is only a warning', async () => {
    const opened = join(scratch, 'opened.txt');
    const working = opener('working', `echo "$1" >> '${opened}'`);
    const failing = opener('failing', 'exit 3');
    const args = ['up', '--target', `app=${upstreamUrl}`, '--port', '0', '--otlp-port', '0', '--proxy-port', '0', '--open'];
    const [good, bad] = await Promise.all([
      startHopscopeProcess(args, /Press Ctrl\+C to stop/, { PATH: `${working}:${dirname(process.execPath)}:/usr/bin:/bin` }, 90_000),
      startHopscopeProcess(args, /Press Ctrl\+C to stop/, { PATH: `${failing}:${dirname(process.execPath)}:/usr/bin:/bin` }, 90_000),
    ]);
    try {
      const dashboard = /dashboard\s+(http:\/\/\S+)/.exec(good.output())![1]!;
      await expect.poll(() => (existsSync(opened) ? readFileSync(opened, 'utf8') : ''), { timeout: 10_000 }).toBe(`${dashboard}\n`);
      await expect
        .poll(() => bad.output(), { timeout: 10_000 })
        .toContain('warning: --open could not open a browser (xdg-open exited with status 3)');
      const badDashboard = /dashboard\s+(http:\/\/\S+)/.exec(bad.output())![1]!;
      expect((await fetch(`${badDashboard}/api/targets`)).status).toBe(200);
      expect(bad.child.exitCode).toBeNull();
    } finally {
      await Promise.all([good.stop(), bad.stop()]);
    }
  }, 180_000);
});

/** A directory holding an `xdg-open` that runs `script`: the desktop's opener, as hopscope finds it on PATH. */
function opener(name: string, script: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  const file = join(dir, 'xdg-open');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** Runs the bin with its stdout a pipe whose reading end is already closed. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HOPSCOPE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}
