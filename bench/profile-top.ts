import { readFileSync } from 'node:fs';

/**
 * `npx tsx bench/profile-top.ts FILE.cpuprofile [N]`: the N (default 15)
 * functions with the most self time in a V8 CPU profile (what
 * `node --cpu-prof` writes, one file per thread), with their share of the
 * sampled time, to read a profile without a browser.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, count] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts FILE.cpuprofile [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const byFrame = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(proxy|server|shared)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFrame.set(key, (byFrame.get(key) ?? 0) + (hits.get(node.id) ?? 0));
}
const total = profile.samples.length;
for (const [frame, n] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, Number(count ?? 15)))
  console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${frame}`);
