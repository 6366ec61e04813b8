import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['hopscope-source'] },
  test: {
    include: ['{shared,proxy,server,demo,cli,ui}/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Real sockets and child processes: give slow CI machines room, and keep
    // files that start servers from fighting over the two cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
