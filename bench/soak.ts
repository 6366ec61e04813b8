import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { startHopscope } from '@hopscope/cli';
import type { StatsSnapshot } from '@hopscope/shared';
import { launchBrowser } from '../test/support/browser';
import { driveRequests, type DriveResult } from '../test/support/drive';

/**
 * `npx tsx bench/soak.ts` (not in CI): the whole stack in this process (hub,
 * dashboard, one proxy) in front of bench/trivial-upstream.ts, the dashboard
 * open in headless Chromium, and REQUESTS requests (default 1,000,000) driven
 * through the proxy by a child process (so its memory is not counted here),
 * CONCURRENCY at a time, for at most SOAK_MINUTES (default 20). Prints
 * requests, errors, req/s, peak RSS and heap of this process, the page's
 * peak JS heap, and what the hub dropped or evicted.
 */
const REQUESTS = Number(process.env.REQUESTS ?? 1_000_000);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const MIB = 1024 * 1024;
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === 'driver') {
  // The child: drive the proxy, report the result over IPC.
  const result = await driveRequests(process.argv[3]!, { count: REQUESTS, concurrency: CONCURRENCY, deadlineMs: MINUTES * 60_000 });
  process.send!(result, () => process.exit(0));
} else {
  await main();
}

function startChild(file: string, args: string[]): ChildProcess {
  return fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function main(): Promise<void> {
  const upstream = startChild(fileURLToPath(new URL('./trivial-upstream.ts', import.meta.url)), []);
  const port = await new Promise<number>((resolve) => upstream.once('message', (m: { port: number }) => resolve(m.port)));
  const running = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [{ name: 'app', url: `http://127.0.0.1:${port}` }] });
  const browser = await launchBrowser();
  const page = await browser.browser.newPage();
  await page.goto(running.hubUrl);
  const cdp = await page.context().newCDPSession(page);

  const peak = { rss: 0, heapUsed: 0, pageHeap: 0 };
  const sample = async () => {
    const memory = process.memoryUsage();
    peak.rss = Math.max(peak.rss, memory.rss);
    peak.heapUsed = Math.max(peak.heapUsed, getHeapStatistics().used_heap_size);
    const usage = (await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: 0 }))) as { usedSize: number };
    peak.pageHeap = Math.max(peak.pageHeap, usage.usedSize);
  };
  const sampler = setInterval(() => void sample(), 1_000);
  const progress = setInterval(async () => {
    const stats = (await (await fetch(`${running.hubUrl}/api/stats`)).json()) as StatsSnapshot;
    console.error(
      `… ${stats.hub.spansReceived.toLocaleString('en')} spans received, RSS ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB`,
    );
  }, 30_000);

  const started = performance.now();
  const driver = startChild(self, ['driver', running.targets[0]!.proxy]);
  const result = await new Promise<DriveResult>((resolve, reject) => {
    driver.once('message', (m: DriveResult) => resolve(m));
    driver.once('exit', (code) => reject(new Error(`driver exited with ${code}`)));
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(progress);
  await sample();
  const stats = (await (await fetch(`${running.hubUrl}/api/stats`)).json()) as StatsSnapshot;

  console.log(
    `soak: ${result.sent.toLocaleString('en')} requests, ${result.errors} errors, ${(result.sent / seconds).toFixed(0)} req/s over ${seconds.toFixed(0)} s, concurrency ${CONCURRENCY}`,
  );
  console.log(`  hopscope process: peak RSS ${(peak.rss / MIB).toFixed(0)} MiB, peak V8 heap ${(peak.heapUsed / MIB).toFixed(0)} MiB`);
  console.log(`  dashboard page: peak JS heap ${(peak.pageHeap / MIB).toFixed(0)} MiB`);
  console.log(
    `  hub: ${stats.hub.spansReceived.toLocaleString('en')} spans received, ${stats.hub.spansDropped} dropped, ${stats.hub.tracesStored} traces stored, ${stats.hub.tracesEvicted.toLocaleString('en')} evicted, ${stats.hub.liveDropped} live messages dropped`,
  );
  if (result.failures.length) console.log(`  first failures: ${result.failures.join(' | ')}`);

  await browser.close();
  await running.close();
  upstream.kill();
}
