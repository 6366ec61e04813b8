/** A V8 CPU profile as CDP's Profiler.stop returns it. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  samples?: number[];
}

/**
 * The N functions with the most self time in a page's CPU profile, with their
 * share of the sampled time (as bench/profile-top.ts does for Node's).
 * Bundled code keeps its function names (vite, no minification of names in dev;
 * the built bundle's names are short, so the file:line says where).
 */
export function topSelfTime(profile: CpuProfile, count = 15): string[] {
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFrame.set(key, (byFrame.get(key) ?? 0) + (hits.get(node.id) ?? 0));
  }
  const total = Math.max(1, profile.samples?.length ?? 0);
  return [...byFrame]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, n]) => `${((n / total) * 100).toFixed(1).padStart(5)}%  ${frame}`);
}
