import { fileURLToPath } from 'node:url';

/**
 * Where the demo's files are. From source (tsx, vitest) this module is
 * demo/src/package-layout.ts and the children are TypeScript run under tsx
 * from the repository root (where `--import tsx` resolves). Bundled into the
 * `hopscope` npm package it sits in dist/ beside the compiled children and
 * dist/examples/, and there is no tsx.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** How to fork one of the demo's child processes (dev-server, workers-master, worker). */
export function childEntry(name: string): { file: string; execArgv: string[]; cwd?: string } {
  const file = fileURLToPath(new URL(`./${name}.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
  if (!FROM_SOURCE) return { file, execArgv: [] };
  return { file, execArgv: ['--import', 'tsx'], cwd: fileURLToPath(new URL('../../', import.meta.url)) };
}

/** An example app's folder (flask, fastapi, django): the repository's examples/, or the package's. */
export function exampleDir(name: string): string {
  return fileURLToPath(new URL(`${FROM_SOURCE ? '../../' : './'}examples/${name}/`, import.meta.url));
}
