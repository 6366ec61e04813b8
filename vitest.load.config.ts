import { defineConfig } from 'vitest/config';

/**
 * Load tests: minutes of traffic and hundreds of MiB (20k-request soak,
 * 2 × 100 MiB bodies, a 1 GiB gzip bomb, agreement with wrk). Not part of
 * `npm test`; `npm run test:load` runs them, and `.ci/run` after `npm test`.
 * A new load test is added here by path (vitest.config.ts leaves these out).
 */
export const LOAD_TESTS = [
  'test/faults/soak.test.ts',
  'test/faults/large-bodies.test.ts',
  'test/hub/decompression-bomb.test.ts',
  'test/compare/wrk-agreement.test.ts',
];

export default defineConfig({
  resolve: { conditions: ['hopscope-source'] },
  test: {
    include: LOAD_TESTS,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // One at a time: each measures memory or latency, which another running beside it would disturb.
    fileParallelism: false,
    expect: { poll: { timeout: 10_000 } },
  },
});
