import { defineConfig } from 'vitest/config';
import { LOAD_TESTS } from './vitest.load.config.ts';

export default defineConfig({
  resolve: { conditions: ['hopscope-source'] },
  test: {
    include: ['{shared,proxy,server,demo,cli,ui}/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Soak, large bodies, the gzip bomb and wrk run apart: npm run test:load (vitest.load.config.ts).
    exclude: ['**/node_modules/**', ...LOAD_TESTS],
    // Real sockets and child processes: give slow CI machines room, and keep
    // files that start servers from fighting over the two cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // Polls wait on other processes and the browser: 10 s, not the default 1 s, before a poll gives up.
    expect: { poll: { timeout: 10_000 } },
  },
});
