import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The npm package as a user gets it: `npm pack -w hopscope`, installed
 * globally into a fresh prefix, run from a directory outside the repository.
 * Nothing of the checkout is reachable from there: the CLI, the hub, the
 * dashboard, the proxy thread and the demo's child processes all come from
 * the tarball, and tsx is not installed.
 */
const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(REPO, 'hopscope/package.json'), 'utf8')) as { version: string }).version;

let work: string;
let prefix: string;
let bin: string;
let outside: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hopscope-package-'));
  prefix = join(work, 'prefix');
  outside = join(work, 'somewhere-else');
  bin = join(prefix, 'bin', 'hopscope');
  // prepack builds hopscope/dist (esbuild) from the sources and the built dashboard.
  await run('npm', ['pack', '-w', 'hopscope', '--pack-destination', work], { cwd: REPO });
  tarball = join(
    work,
    readdirSync(work).find((f) => f.endsWith('.tgz'))!,
  );
  await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: work,
    maxBuffer: 16 * 1024 * 1024,
  });
  await run('mkdir', ['-p', outside]);
}, 400_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the hopscope npm package', () => {
  it('holds compiled JavaScript, the dashboard and the demo apps, and installs without tsx', async () => {
    const { stdout } = await run('tar', ['tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean);
    for (const file of ['dist/hopscope.js', 'dist/proxy-worker.js', 'dist/dev-server.js', 'dist/workers-master.js', 'dist/worker.js']) {
      expect(files).toContain(`package/${file}`);
    }
    expect(files).toContain('package/dist/ui/index.html');
    expect(files).toContain('package/dist/examples/flask/app.py');
    expect(files).toContain('package/dist/integrations/wsgi/hopscope_wsgi/__init__.py');
    expect(files.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    const installed = join(prefix, 'lib', 'node_modules');
    expect(existsSync(join(installed, 'hopscope', 'dist', 'hopscope.js'))).toBe(true);
    expect(existsSync(join(installed, 'tsx')) || existsSync(join(installed, 'hopscope', 'node_modules', 'tsx'))).toBe(false);
  });

  it('answers --version, -V, --help and a command help from outside the repository', async () => {
    expect((await run(bin, ['--version'], { cwd: outside })).stdout.trim()).toBe(VERSION);
    expect((await run(bin, ['-V'], { cwd: outside })).stdout.trim()).toBe(VERSION);
    const help = (await run(bin, ['--help'], { cwd: outside })).stdout;
    expect(help).toContain('hopscope up --target NAME=URL');
    expect(help).toContain('--otlp-port');
    expect((await run(bin, ['up', '--help'], { cwd: outside })).stdout).toMatch(/^Usage: hopscope up --target NAME=URL/);
  });

  it('exports a recording as one self-contained HTML file with the packaged dashboard', async () => {
    const out = join(outside, 'talk.html');
    await run(bin, ['export', join(REPO, 'test/fixtures/talk.jsonl'), '--out', out], { cwd: outside });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<script');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('runs the built-in demo: the dashboard at /, and a request through a proxy becomes a trace', async () => {
    const demo = await startInstalled(['--port', '0', '--otlp-port', '0', '--proxy-port', '0', '--workers', '1']);
    try {
      const hub = /dashboard\s+(http:\/\/\S+)/.exec(demo.output())![1]!;
      const proxy = /proxy dev\s+(http:\/\/\S+)/.exec(demo.output())![1]!;
      const page = await fetch(`${hub}/`);
      expect(page.status).toBe(200);
      // The built dashboard (its script bundle), not the plain trace list served when ui/dist is missing.
      expect(await page.text()).toMatch(/<script[^>]+src="[^"]*assets\/index-[^"]+\.js"/);
      expect(await (await fetch(`${proxy}/items/7`)).text()).toContain('item 7');
      await expect
        .poll(
          async () => {
            const traces = (await (await fetch(`${hub}/api/traces?limit=20`)).json()) as Array<{
              target: string;
              path: string;
              hops: Array<{ hop: string }>;
            }>;
            const trace = traces.find((t) => t.target === 'dev' && t.path === '/items/7');
            return trace?.hops.map((h) => h.hop) ?? [];
          },
          { timeout: 20_000 },
        )
        // proxy: measured by the proxy thread; view: exported over OTLP by the demo's child process.
        .toEqual(expect.arrayContaining(['proxy', 'view']));
    } finally {
      await demo.stop();
    }
  }, 150_000);
});

/** Starts the installed bin from outside the repository; resolves once its banner is out. */
function startInstalled(args: string[]): Promise<{ output: () => string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(bin, args, { cwd: outside, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the installed hopscope was not ready within 90 s:\n${out}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk;
      if (/Press Ctrl\+C to stop/.test(out)) {
        clearTimeout(timer);
        resolve({ output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the installed hopscope exited with ${code} before it was ready:\n${out}`));
    });
  });
}
