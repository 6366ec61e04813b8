import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  ts?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; lineNumber?: number } };
}

interface Timed extends TraceEvent {
  ts: number;
}

/** What the long tasks were made of: the events of 5 ms or more inside a task of over 50 ms, by name. */
function insideLongTasks(events: TraceEvent[], main: TraceEvent | undefined): string[] {
  const onMain = events.filter((e): e is Timed => e.tid === main?.tid && e.pid === main?.pid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! > 50_000);
  const byName = new Map<string, number>();
  for (const task of tasks)
    for (const e of onMain) {
      if (e === task || e.name === 'RunTask' || e.ts < task.ts || e.ts + e.dur! > task.ts + task.dur! || e.dur! < 5_000) continue;
      const fn = e.args?.data?.functionName ? ` ${e.args.data.functionName}` : '';
      byName.set(e.name + fn, (byName.get(e.name + fn) ?? 0) + e.dur! / 1000);
    }
  return [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

/**
 * The page's main thread as Chrome's own timeline records it (CDP Tracing,
 * the events DevTools' Performance panel draws): where the time goes beside
 * JavaScript — style, layout, paint, garbage collection. `stop()` returns the
 * total time and count of each kind of event on the renderer's main thread.
 */
export async function startTimeline(cdp: CDPSession): Promise<{ stop: () => Promise<string[]> }> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] },
  });
  return {
    stop: async () => {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
      const byName = new Map<string, { ms: number; count: number }>();
      for (const e of events) {
        if (!main || e.tid !== main.tid || e.pid !== main.pid || e.ph !== 'X' || e.dur === undefined) continue;
        const fn = e.name === 'FunctionCall' && e.args?.data?.functionName ? ` ${e.args.data.functionName}` : '';
        const key = e.name + fn;
        const entry = byName.get(key) ?? byName.set(key, { ms: 0, count: 0 }).get(key)!;
        entry.ms += e.dur / 1000;
        entry.count++;
      }
      const top = [...byName]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 25)
        .map(([name, { ms, count }]) => `${ms.toFixed(0).padStart(7)} ms ${String(count).padStart(6)}×  ${name}`);
      return [...top, 'inside the long tasks (over 50 ms), events of 5 ms or more:', ...insideLongTasks(events, main)];
    },
  };
}
