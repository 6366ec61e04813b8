import { measureDriverCeiling } from '@hopscope/server';

/**
 * `npx tsx bench/load-ceiling.ts`: how many requests/s hopscope's compare
 * load driver sustains on one core against a trivial upstream (on another
 * thread). Goal: at least 10,000.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
for (const concurrency of [16, 64]) {
  const rps = await measureDriverCeiling(seconds * 1000, concurrency);
  console.log(`load driver ceiling, ${concurrency} connections, ${seconds} s: ${rps.toFixed(0)} requests/s`);
}
