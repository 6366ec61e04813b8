/**
 * What the bench installs in the page, as strings (tsx's name-keeping helper
 * does not exist in the page). Frame times are the gaps between
 * requestAnimationFrame callbacks, each stamped with its time, so the bench
 * keeps only the loaded period; long tasks come from the browser's own
 * 'longtask' entries (main-thread tasks over 50 ms).
 */
export const INSTALL_PROBE = `
  window.__probe = { frames: [], longTasks: [] };
  let last = performance.now();
  function tick(now) { window.__probe.frames.push([now, now - last]); last = now; requestAnimationFrame(tick); }
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__probe.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: false });
`;

export const MARK_LOAD_START = `window.__probe.loadStart = performance.now()`;

export interface ProbeResult {
  frames: number[];
  longTasks: number[];
  seconds: number;
}

/** Frames and long tasks from `skipMs` after the load started until now. */
export const readProbe = (skipMs: number) => `(() => {
  const p = window.__probe;
  const from = p.loadStart + ${skipMs};
  const now = performance.now();
  return {
    frames: p.frames.filter(([t]) => t >= from).map(([, d]) => d),
    longTasks: p.longTasks.filter(([t]) => t >= from).map(([, d]) => d),
    seconds: (now - from) / 1000,
  };
})()`;

/** DOM size, JS heap, and what the page says it did not draw (its own counts, as shown). */
export const SAMPLE_PAGE = `({
  nodes: document.getElementsByTagName('*').length,
  heapMb: (performance.memory ? performance.memory.usedJSHeapSize : 0) / 1e6,
  particles: document.querySelectorAll('[data-testid="particle"]').length,
  listRows: document.querySelectorAll('[data-testid="trace-row"]').length,
  notDrawn: [...document.querySelectorAll('.overflow-count, .waiting-bar text')]
    .map((e) => e.textContent).filter(Boolean).join(' '),
  health: document.querySelector('[data-testid="hub-health"]')?.textContent ?? '',
})`;

export interface PageSample {
  nodes: number;
  heapMb: number;
  particles: number;
  listRows: number;
  notDrawn: string;
  health: string;
}

export function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: sorted.at(-1) ?? 0 };
}
