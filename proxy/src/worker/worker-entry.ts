import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * How to start proxy-worker in a thread. Built, it is plain JavaScript.
 * From source (tsx, vitest) it is TypeScript, and Node 20 does not apply a
 * worker's `--import tsx` to the worker's own entry file, so a two-line
 * bootstrap registers tsx's loader in the thread first, then imports it.
 */
export function workerEntry(): { code: string; file: string } {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(`./proxy-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  if (!fromSource) return { code: `import(${JSON.stringify(file)});`, file };
  // tsx's exports map sends require() to index.cjs and import to the index.mjs beside it.
  const api = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  return { code: `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(file)}); });`, file };
}
