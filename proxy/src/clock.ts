import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond resolution (monotonic within the process). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
