import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { startHopscope } from '@hopscope/cli';
import { launchBrowser } from '../../test/support/browser';

/**
 * `npx tsx ui/bench/frames.ts`: the dashboard under load. Starts the built-in
 * stack, drives RATE requests/s per target at both targets (open loop, from
 * this process, loopback only, bounded by SECONDS), and measures in headless
 * Chromium the time between animation frames, the DOM node count and the JS
 * heap over the run. Prints p50/p95/p99 frame time (goal: p95 ≤ 16.7 ms).
 */
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 30);

const stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, demoWorkers: 4 });
const { browser, close } = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(stack.hubUrl);
await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
if (process.env.HIDE) await page.addStyleTag({ content: process.env.HIDE + ' { display: none !important; }' });
// A string, not a function: tsx's name-keeping helper does not exist in the page.
await page.evaluate(`
  window.__frames = [];
  let last = performance.now();
  function tick(now) { window.__frames.push(now - last); last = now; requestAnimationFrame(tick); }
  requestAnimationFrame(tick);
`);

const agent = new Agent({ connections: 64 });
let sent = 0;
let failed = 0;
const samples: Array<{ t: number; nodes: number; heapMb: number }> = [];
const started = performance.now();
const deadline = started + SECONDS * 1000;
const paths = ['/items/1', '/cpu?ms=1', '/slow?ms=20', '/error'];
const load = stack.targets.map(async (target) => {
  const interval = 1000 / RATE;
  let next = performance.now();
  const inflight = new Set<Promise<void>>();
  while (next < deadline && sent < RATE * SECONDS * 2) {
    const wait = next - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    next += interval;
    sent++;
    const p = request(`${target.proxy}${paths[sent % paths.length]}`, { dispatcher: agent })
      .then((res) => res.body.dump())
      .then(
        () => undefined,
        () => void failed++,
      );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
});
const sampler = setInterval(async () => {
  const metrics = (await page.evaluate(
    `({ nodes: document.getElementsByTagName('*').length, heapMb: (performance.memory ? performance.memory.usedJSHeapSize : 0) / 1e6 })`,
  )) as { nodes: number; heapMb: number };
  samples.push({ t: (performance.now() - started) / 1000, ...metrics });
}, 2_000);
await Promise.all(load);
clearInterval(sampler);

const frames = ((await page.evaluate('window.__frames')) as number[]).slice(30).sort((a, b) => a - b);
const q = (p: number) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))]!;
const health = await page.getByTestId('hub-health').textContent();
await page.screenshot({ path: '/tmp/hopscope-under-load.png' });
console.log(`load: ${RATE} req/s per target × ${stack.targets.length} targets for ${SECONDS} s (${sent} requests, ${failed} failed)`);
console.log(`frames: ${frames.length}, frame time p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms`);
console.log(`DOM nodes: first ${samples[0]?.nodes}, max ${Math.max(...samples.map((s) => s.nodes))}, last ${samples.at(-1)?.nodes}`);
console.log(
  `JS heap MB: first ${samples[0]?.heapMb.toFixed(1)}, max ${Math.max(...samples.map((s) => s.heapMb)).toFixed(1)}, last ${samples.at(-1)?.heapMb.toFixed(1)}`,
);
console.log(`dashboard says: ${health}`);
await agent.close();
await close();
await stack.close();
