/**
 * Builds the publishable `hopscope` package into dist/ (npm pack runs it as
 * prepack): the CLI, hub, proxies, shared code and demo bundled by esbuild as
 * ES modules, with the npm dependencies left as imports (package.json's
 * `dependencies`, exact versions, checked here against what the bundle
 * imports and what the workspaces pin); the built dashboard, the Python
 * example apps and their instrumentation copied beside the code.
 *
 * Entry points besides the CLI are the files started in a thread or a child
 * process: the proxy worker and the demo targets. Chunks stay flat in dist/
 * because the code finds those files (and dist/ui, dist/examples) relative to
 * its own module URL.
 */
import { build, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies?: Record<string, string> };

const pkg = readJson(here('package.json'));
const dependencies = pkg.dependencies ?? {};
const WORKSPACES = ['shared', 'proxy', 'server', 'demo', 'cli'];

// --version reads the package.json beside the code: cli's from source, this one once installed.
if (readJson(root('cli/package.json')).version !== pkg.version) {
  throw new Error(`hopscope/package.json says ${pkg.version} but cli/package.json does not: give both the same version`);
}
// The dashboard is built here, every time: a tarball must never carry a dashboard older than its code,
// and `npm pack -w hopscope` on a fresh clone must work as it is.
execFileSync('npm', ['run', 'build:ui'], { cwd: root('.'), stdio: ['ignore', process.stderr, process.stderr] }); // stdout is npm pack's answer (the tarball's name)
if (!existsSync(root('ui/dist/index.html'))) throw new Error('the dashboard build left no ui/dist/index.html');
rmSync(here('dist'), { recursive: true, force: true });

const result = await build({
  entryPoints: {
    hopscope: root('cli/src/main.ts'),
    'proxy-worker': root('proxy/src/worker/proxy-worker.ts'),
    'dev-server': root('demo/src/dev-server.ts'),
    'workers-master': root('demo/src/workers-master.ts'),
    worker: root('demo/src/worker.ts'),
  },
  outdir: here('dist'),
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  conditions: ['hopscope-source'],
  external: Object.keys(dependencies),
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

checkDependencies(result.metafile);

cpSync(root('ui/dist'), here('dist/ui'), { recursive: true });
const skipPythonCaches = (source: string) => !/__pycache__|\.pyc$/.test(source);
for (const example of ['flask', 'fastapi', 'django']) {
  cpSync(root(`examples/${example}`), here(`dist/examples/${example}`), { recursive: true, filter: skipPythonCaches });
}
// The examples put integrations/wsgi on sys.path (../../integrations/wsgi from their folder).
for (const module of ['hopscope_wsgi', 'hopscope_asgi']) {
  cpSync(root(`integrations/wsgi/${module}`), here(`dist/integrations/wsgi/${module}`), { recursive: true, filter: skipPythonCaches });
}
cpSync(root('integrations/wsgi/LICENSE'), here('LICENSE'));
console.log(`built ${Object.keys(result.metafile.outputs).length} files into hopscope/dist`);

/** package.json's dependencies are exactly what the bundle imports, at the versions the workspaces pin. */
function checkDependencies(metafile: Metafile): void {
  const imported = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (external && !isBuiltin(path)) imported.add(path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!);
    }
  }
  // A package bundled by mistake would lose the files it loads beside itself (sql.js's .wasm, grpc's protos).
  const bundled = new Set(
    Object.keys(metafile.inputs)
      .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
      .filter((name): name is string => name !== undefined),
  );
  const pinned: Record<string, string> = {};
  for (const workspace of WORKSPACES) Object.assign(pinned, readJson(root(`${workspace}/package.json`)).dependencies);
  const problems = [
    ...[...imported].filter((name) => !(name in dependencies)).map((name) => `${name} is imported but not in dependencies`),
    ...[...bundled].map((name) => `${name} was bundled: add it to dependencies (the workspaces' version) so it stays an import`),
    ...Object.keys(dependencies)
      .filter((name) => !imported.has(name))
      .map((name) => `${name} is in dependencies but never imported`),
    ...Object.entries(dependencies)
      .filter(([name, version]) => pinned[name] !== version)
      .map(([name, version]) => `${name} is ${version} here but ${pinned[name] ?? 'not pinned'} in the workspaces`),
  ];
  if (problems.length > 0) throw new Error(`hopscope/package.json's dependencies are wrong:\n  ${problems.join('\n  ')}`);
}
