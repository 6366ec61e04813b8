import { ATTR_THREAD_ID, type Trace } from '@hopscope/shared';

/**
 * A request's lane: its worker process, and within it the thread that ran it
 * when the app's spans say (`thread.id`): Werkzeug's threaded dev server runs
 * every request in one process, and the lesson — threads share a process and
 * its GIL, Gunicorn's workers are processes — needs a lane per thread.
 * "pid" alone, or "pid/thread".
 */
export function laneOf(trace: Trace): string | undefined {
  if (!trace.worker) return undefined;
  const thread = threadOf(trace);
  return thread === undefined ? trace.worker : `${trace.worker}/${thread}`;
}

// The view's thread first: under ASGI the gateway runs on the event loop's thread while a `def`
// view runs on a pool thread; under WSGI only the gateway says, and the whole request ran there.
function threadOf(trace: Trace): string | undefined {
  for (const name of ['view', 'gateway'] as const) {
    const id = trace.hops.find((hop) => hop.hop === name)?.attributes[ATTR_THREAD_ID];
    if (id !== undefined) return String(id);
  }
  return undefined;
}

/** Lanes grouped by process, then by thread; processes by pid. */
export function compareLanes(a: string, b: string): number {
  const [pa = '', ta = ''] = a.split('/');
  const [pb = '', tb = ''] = b.split('/');
  return Number(pa) - Number(pb) || pa.localeCompare(pb) || Number(ta) - Number(tb) || ta.localeCompare(tb);
}

/**
 * A lane's label: "pid 4242" for a process; with several threads, the process's first
 * lane says "pid 4242 · t1" and the others "· t2", "· t3" (numbered in the
 * order drawn: thread ids are long and say nothing to a reader).
 */
export function laneLabels(lanes: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const lanesOf = new Map<string, number>();
  for (const lane of lanes) {
    const pid = lane.split('/')[0] ?? '';
    lanesOf.set(pid, (lanesOf.get(pid) ?? 0) + 1);
  }
  return lanes.map((lane) => {
    const [pid = '', thread] = lane.split('/');
    // A process seen on one thread only (a Gunicorn sync worker) is just its pid: "t1" would teach nothing.
    if (thread === undefined || lanesOf.get(pid) === 1) return `pid ${pid}`;
    const n = (seen.get(pid) ?? 0) + 1;
    seen.set(pid, n);
    const name = `t${n}`;
    return n === 1 ? `pid ${pid} · ${name}` : `· ${name}`;
  });
}
