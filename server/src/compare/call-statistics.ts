import type { CallStatistics, Trace } from '@hopscope/shared';

/**
 * What a run's traced requests called, per request on average: database and
 * cache calls and the time in them, HTTP calls, and how many requests had
 * each finding. The "N+1 vs join" numbers of `compare --path`. Undefined
 * when no request made a call (an app without call spans says nothing).
 */
export function callStatistics(traces: readonly Trace[]): CallStatistics | undefined {
  let queries = 0;
  let dbMs = 0;
  let http = 0;
  let any = false;
  const findings: CallStatistics['findings'] = {};
  for (const trace of traces) {
    for (const call of trace.calls ?? []) {
      any = true;
      if (call.kind === 'db' || call.kind === 'cache') {
        queries++;
        dbMs += call.duration;
      } else if (call.kind === 'http') http++;
    }
    // Calls past the per-trace cap are counted, not listed: they are queries all the same when the rest are.
    if (trace.callsDropped && trace.calls?.every((c) => c.kind === 'db' || c.kind === 'cache')) queries += trace.callsDropped;
    for (const kind of new Set((trace.findings ?? []).map((f) => f.kind))) findings[kind] = (findings[kind] ?? 0) + 1;
  }
  if (!any || traces.length === 0) return undefined;
  const per = (n: number) => Math.round((n / traces.length) * 100) / 100;
  return { queriesPerRequest: per(queries), dbMsPerRequest: per(dbMs), httpPerRequest: per(http), findings };
}
