import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startHopscope } from '@hopscope/cli';
import { launchBrowser } from '../../test/support/browser';
import { INSTALL_PROBE, MARK_LOAD_START, percentiles, readProbe, SAMPLE_PAGE, type PageSample, type ProbeResult } from './page-probe';
import { topSelfTime, type CpuProfile } from './profile-summary';
import { startTimeline } from './trace-summary';

/**
 * `npx tsx ui/bench/frames.ts`: the dashboard under load (docs/benchmarks.md
 * "Dashboard frames"). What runs where: this process runs the hub (main
 * thread) and the proxies (their worker thread); two processes of
 * ui/bench/upstream.ts are the targets (BUILTIN=1: the demo's dev and
 * workers targets instead, which serve far less); ui/bench/load.ts, a process
 * of its own, sends RATE requests/s to each target's proxy for SECONDS; the
 * dashboard runs in headless, software-rendering Chromium. Measured in the
 * page over the loaded period, the first second skipped: the gaps between
 * animation frames, long tasks, DOM size, JS heap, and what the page says it
 * did not draw. PROFILE=FILE also records the page's CPU profile (which
 * slows it: measure frames without it) and prints its top self time;
 * TIMELINE=1 records Chrome's own timeline (style, layout, paint, GC too).
 */
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 20);
const SKIP_MS = 1_000;
const progress = (what: string) => process.stderr.write(`[frames] ${what}\n`);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const children: ChildProcess[] = [];

function child(file: string, args: string[] = []): ChildProcess {
  const c = fork(here(file), args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, RATE: String(RATE), SECONDS: String(SECONDS) },
  });
  children.push(c);
  return c;
}
const message = <T>(c: ChildProcess) =>
  new Promise<T>((resolve, reject) => {
    c.once('message', (m) => resolve(m as T));
    c.once('exit', (code) => reject(new Error(`child exited (${code})`)));
  });

async function upstreamTargets() {
  if (process.env.BUILTIN) return undefined;
  const ports = await Promise.all(['a', 'b'].map(() => message<{ port: number }>(child('./upstream.ts'))));
  return ports.map(({ port }, i) => ({ name: `app${i + 1}`, url: `http://127.0.0.1:${port}` }));
}

const stack = await startHopscope({
  port: 0,
  otlpPort: 0,
  otlpGrpcPort: 0,
  proxyPort: 0,
  demoWorkers: 4,
  targets: await upstreamTargets(),
});
const { browser, close } = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
// DIST=DIR swaps in another build's script and style (an A/B of two revisions against the same hub;
// the page itself must come from the hub, or Chromium's local-network checks block its WebSocket).
const dist = process.env.DIST;
page.on('pageerror', (error) => progress(`page error: ${error.message}`));
if (dist) {
  const assets = readdirSync(join(dist, 'assets'));
  await page.route(/\/assets\/index-[^/]*\.(js|css)$/, async (route) => {
    const ext = route.request().url().endsWith('.css') ? '.css' : '.js';
    const file = join(
      dist,
      'assets',
      assets.find((a) => a.endsWith(ext))!,
    );
    await route.fulfill({ body: readFileSync(file), contentType: ext === '.css' ? 'text/css' : 'text/javascript' });
  });
}
await page.goto(stack.hubUrl);
await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
// HIDE=SELECTOR leaves a part out (to apportion the cost); the page's CSP forbids a style tag, not the CSSOM.
if (process.env.HIDE)
  await page.evaluate(`for (const e of document.querySelectorAll(${JSON.stringify(process.env.HIDE)})) e.style.display = 'none'`);
await page.evaluate(INSTALL_PROBE);
progress('dashboard live');
const cdp = process.env.PROFILE || process.env.TIMELINE ? await page.context().newCDPSession(page) : undefined;
if (process.env.PROFILE) await cdp!.send('Profiler.enable');

const samples: PageSample[] = [];
const load = child(
  './load.ts',
  stack.targets.map((t) => t.proxy),
);
await message<{ started: true }>(load);
const done = message<{ sent: number; failed: number; answered: number; notSent: number }>(load);
await page.evaluate(MARK_LOAD_START);
progress('load started');
if (process.env.PROFILE) await cdp!.send('Profiler.start');
const timeline = process.env.TIMELINE ? await startTimeline(cdp!) : undefined;
const sampler = setInterval(() => void page.evaluate(SAMPLE_PAGE).then((s) => samples.push(s as PageSample)), 2_000);
// The loaded period ends when the last request was sent, not when the slowest answered.
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
const probe = (await page.evaluate(readProbe(SKIP_MS))) as ProbeResult;
progress('loaded period over');
const { sent, failed, answered, notSent } = await done;
clearInterval(sampler);
const last = (await page.evaluate(SAMPLE_PAGE)) as PageSample;
const timelineTop = await timeline?.stop();
const profile = process.env.PROFILE ? ((await cdp!.send('Profiler.stop')) as { profile: CpuProfile }).profile : undefined;
await page.screenshot({ path: '/tmp/hopscope-under-load.png' });

const f = percentiles(probe.frames);
const l = percentiles(probe.longTasks);
const longSum = probe.longTasks.reduce((a, b) => a + b, 0);
const range = (key: 'nodes' | 'heapMb' | 'particles' | 'listRows', digits = 0) =>
  `first ${samples[0]?.[key].toFixed(digits)}, max ${Math.max(...samples.map((s) => s[key])).toFixed(digits)}, last ${last[key].toFixed(digits)}`;
console.log(
  `uptime: load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(', ')} on ${cpus().length} cores`,
);
console.log(
  `load: ${RATE} req/s × ${stack.targets.length} targets (${stack.targets.map((t) => t.name).join(', ')}) for ${SECONDS} s: ${sent} requests sent, ${(answered / SECONDS).toFixed(0)}/s answered within the period, ${failed} failed or abandoned, ${notSent} not sent (the stack was 2,000 requests behind)`,
);
console.log(
  `frames (first ${SKIP_MS / 1000} s skipped): ${probe.frames.length} in ${probe.seconds.toFixed(1)} s, ` +
    `p50 ${f.p50.toFixed(1)} / p95 ${f.p95.toFixed(1)} / p99 ${f.p99.toFixed(1)} / max ${f.max.toFixed(1)} ms`,
);
console.log(
  `long tasks: ${probe.longTasks.length} (${((longSum / (probe.seconds * 1000)) * 100).toFixed(1)}% of the time), ` +
    `p50 ${l.p50.toFixed(0)} / p95 ${l.p95.toFixed(0)} / p99 ${l.p99.toFixed(0)} / max ${l.max.toFixed(0)} ms`,
);
console.log(`DOM nodes: ${range('nodes')}; JS heap MB: ${range('heapMb', 1)}`);
console.log(`particles drawn: ${range('particles')}; list rows: ${range('listRows')}`);
// What the page said during the load (the last sample of the period), not after it.
const during = samples.at(-1) ?? last;
console.log(`not drawn (as shown at ${samples.length * 2} s): ${during.notDrawn || 'nothing'}`);
console.log(`dashboard says: ${during.health}`);
if (timelineTop) console.log(`page main thread (Chrome's timeline), total time per event:\n${timelineTop.join('\n')}`);
if (profile) {
  writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
  console.log(`page CPU profile (${process.env.PROFILE}), top self time:\n${topSelfTime(profile, 25).join('\n')}`);
}
await close();
await stack.close();
for (const c of children) c.kill();
