import type { Trace } from '@hopscope/shared';
import { callStation } from './layout';
import { rowStations, type BoxStation, type CallStation } from './row-geometry';

/** Requests per target over which "queries per request" is averaged. */
const QUERY_WINDOW = 100;
/** Finished requests remembered as counted (bounded memory). */
const COUNTED_MAX = 5_000;

/**
 * What a row has seen so far, so its picture does not flicker with the
 * traffic: a Browser station once a request came from the page, a Database
 * (HTTP out, Cache) station once the app made such a call — drawn only when
 * seen, kept after — and the database queries per request, for the counters.
 */
export class RowMemory {
  private readonly browser = new Set<string>();
  private readonly calls = new Map<string, Set<CallStation>>();
  private readonly queries = new Map<string, number[]>();
  private readonly counted = new Set<string>();

  observe(trace: Trace): void {
    if (trace.hops.some((h) => h.hop === 'client')) this.browser.add(trace.target);
    let dbCalls = 0;
    for (const call of trace.calls ?? []) {
      const station = callStation(call);
      if (!station) continue;
      if (station === 'db') dbCalls++;
      const seen = this.calls.get(trace.target) ?? this.calls.set(trace.target, new Set()).get(trace.target)!;
      seen.add(station);
    }
    // Counted once, when finished with its app's spans: a request whose spans come later would count 0.
    if (trace.inFlight || this.counted.has(trace.traceId) || !trace.hops.some((h) => h.hop === 'view' && h.measured)) return;
    this.counted.add(trace.traceId);
    if (this.counted.size > COUNTED_MAX) this.counted.delete(this.counted.values().next().value as string);
    const window = this.queries.get(trace.target) ?? this.queries.set(trace.target, []).get(trace.target)!;
    window.push(dbCalls);
    if (window.length > QUERY_WINDOW) window.shift();
  }

  stations(target: string): BoxStation[] {
    return rowStations(this.browser.has(target), [...(this.calls.get(target) ?? [])]);
  }

  /** Mean database queries per request over the last QUERY_WINDOW; undefined for a target that never queried. */
  queriesPerRequest(target: string): number | undefined {
    if (!this.calls.get(target)?.has('db')) return undefined;
    const window = this.queries.get(target) ?? [];
    if (window.length === 0) return undefined;
    return window.reduce((a, b) => a + b, 0) / window.length;
  }
}
