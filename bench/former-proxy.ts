import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { startProxyGroup } from '@hopscope/proxy';

/**
 * The proxy group of git revision `rev`, for A/B benchmarks in one process:
 * its `proxy/src` (and `proxy/package.json`, which makes it an ES module) is taken from git into a folder under node_modules/.cache
 * (from which the workspace packages and dependencies still resolve) and its
 * own startProxyGroup is loaded from there, so the former worker, span
 * channel and telemetry run beside the current ones, on the same machine
 * load, into the same hub.
 */
export async function formerProxyGroup(rev: string): Promise<typeof startProxyGroup> {
  const module = (await import(pathToFileURL(`${formerProxySource(rev)}worker/proxy-group.ts`).href)) as {
    startProxyGroup: typeof startProxyGroup;
  };
  return module.startProxyGroup;
}

/** The folder holding revision `rev`'s proxy/src (ending in a slash), taken from git once. */
export function formerProxySource(rev: string): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const commit = execSync(`git rev-parse --short ${JSON.stringify(rev)}`, { cwd: root, encoding: 'utf8' }).trim();
  const dir = `${root}node_modules/.cache/hopscope-bench-proxy-${commit}/`;
  if (!existsSync(`${dir}proxy/package.json`)) {
    mkdirSync(dir, { recursive: true });
    execSync(`git archive ${commit} proxy/src proxy/package.json | tar -x -C ${JSON.stringify(dir)}`, { cwd: root });
  }
  return `${dir}proxy/src/`;
}
