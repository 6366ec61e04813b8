import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The fast unit tests beside the pure core, for mutation testing
 * (npm run test:mutation, stryker.config.json). Stryker runs them in a copy
 * of the tree, so the workspace packages are aliased to that copy's sources:
 * through node_modules they would resolve to the unmutated originals.
 * The property-based fuzz tests are left out: thousands of runs per mutant
 * would take hours on two cores.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const MUTATION_UNIT_TESTS = [
  'shared/src/parsers.test.ts',
  'shared/src/parsers.edges.test.ts',
  'shared/src/semconv.test.ts',
  'shared/src/wire.test.ts',
  'shared/src/window-stats.test.ts',
  'proxy/src/headers.test.ts',
  'proxy/src/errors.test.ts',
  'server/src/compare/statistics.test.ts',
  'server/src/compare/reservoir-order.test.ts',
];

export default defineConfig({
  resolve: {
    conditions: ['hopscope-source'],
    alias: {
      '@hopscope/shared': here('./shared/src/index.ts'),
      '@hopscope/proxy': here('./proxy/src/index.ts'),
      '@hopscope/server': here('./server/src/index.ts'),
    },
  },
  test: {
    include: MUTATION_UNIT_TESTS,
    testTimeout: 10_000,
  },
});
