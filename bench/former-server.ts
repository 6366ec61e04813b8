import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A module of server/src as git has it at REV, for before/after benchmarks
 * in one process: the tree is taken with `git archive` into
 * node_modules/.cache, from where @hopscope/shared and the dependencies
 * still resolve (to the current ones). `path` is relative to server/src.
 */
export async function formerServerModule<T>(rev: string, path: string): Promise<T> {
  if (!/^[0-9a-f]{4,40}$/i.test(rev)) throw new Error(`not a git revision: ${rev}`);
  const dir = fileURLToPath(new URL(`../node_modules/.cache/hopscope-bench-server-${rev}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${rev} server/src | tar -x -C "${dir}"`]);
  return (await import(pathToFileURL(`${dir}server/src/${path}`).href)) as T;
}
