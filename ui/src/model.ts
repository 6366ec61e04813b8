import { isFailedTrace, type LiveMessage, type StackKind, type StatsSnapshot, type TargetInfo, type Trace } from '@hopscope/shared';
import { IngestLag } from './ingest-lag';
import { compareLanes, laneOf } from './lanes';
import type { TraceFilter, TraceSource } from './source';

/** Traces kept in the browser; older ones are forgotten (bounded memory). */
export const MAX_TRACES = 2_000;
/**
 * A finished request stays drawn (faded) this long: its particle walks the
 * stations it passed (motion.ts), about 120 ms each, which a request of a
 * millisecond needs after its end.
 */
export const LINGER_MS = 800;
/** A worker lane disappears when it has handled nothing for this long. */
export const LANE_IDLE_MS = 30_000;

/**
 * The dashboard's state, folded from live messages. Pure: no DOM, no timers,
 * so it is tested in Node. A trace message carries the whole trace; a newer
 * version replaces an older one, except that a finished trace is never turned
 * back into an in-flight one by a late, stale message.
 */
export class DashboardModel implements TraceSource {
  targets: TargetInfo[] = [];
  stats: StatsSnapshot | undefined;
  droppedMessages = 0;
  /** Newest last; Map order is arrival order of a trace's first message. */
  readonly traces = new Map<string, Trace>();
  /** How late each target's app spans arrive (drives the live view's delay). */
  readonly ingestLag = new IngestLag();
  /** target → lane (worker, or worker/thread) → last time (epoch ms) a request used it. */
  private readonly workersSeen = new Map<string, Map<string, number>>();
  /** target → the stack its app's spans said last. */
  private readonly stacks = new Map<string, StackKind>();

  /** `receivedAt`: when the message arrived, on the page's clock (for the ingest lag). */
  apply(message: LiveMessage, receivedAt?: number): void {
    switch (message.type) {
      case 'hello':
        this.targets = message.targets;
        break;
      case 'stats':
        this.stats = message.stats;
        break;
      case 'dropped':
        this.droppedMessages += message.count;
        break;
      case 'trace':
        this.upsert(message.trace, receivedAt);
        break;
      case 'scenario':
        // Captions are the page's business (main.ts), not the model's.
        break;
    }
  }

  upsert(trace: Trace, receivedAt?: number): void {
    const known = this.traces.get(trace.traceId);
    if (known && !known.inFlight && trace.inFlight) return;
    if (known && !known.inFlight && !trace.inFlight && trace.hops.length < known.hops.length) return;
    this.traces.set(trace.traceId, trace);
    if (receivedAt !== undefined) this.ingestLag.observe(trace, receivedAt);
    if (trace.stack) this.stacks.set(trace.target, trace.stack);
    if (!this.targets.some((t) => t.name === trace.target))
      this.targets = [...this.targets, { name: trace.target, upstream: '', proxy: '' }];
    const lane = laneOf(trace);
    if (lane) {
      const lanes = this.workersSeen.get(trace.target) ?? new Map<string, number>();
      lanes.set(lane, Math.max(lanes.get(lane) ?? 0, trace.start + (trace.duration ?? 0)));
      this.workersSeen.set(trace.target, lanes);
    }
    while (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value as string);
  }

  /** Worker lanes of a target (a process's threads together), without those idle for LANE_IDLE_MS. */
  lanes(target: string, nowMs: number): string[] {
    const lanes = this.workersSeen.get(target);
    if (!lanes) return [];
    for (const [worker, lastSeen] of lanes) if (nowMs - lastSeen > LANE_IDLE_MS) lanes.delete(worker);
    return [...lanes.keys()].sort(compareLanes);
  }

  /** Newest first, filtered. */
  list(filter: TraceFilter = {}, limit = 200): Trace[] {
    const out: Trace[] = [];
    const all = [...this.traces.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      if (matchesFilter(all[i]!, filter)) out.push(all[i]!);
    }
    return out;
  }

  get(traceId: string): Trace | undefined {
    return this.traces.get(traceId);
  }

  stackOf(target: string): StackKind | undefined {
    return this.stacks.get(target);
  }

  /** Live counters come from the hub, whatever the playback time. */
  statsAt(): StatsSnapshot | undefined {
    return this.stats;
  }

  /** Traces whose time span contains virtual time `at` (or in flight), for the animation. */
  activeAt(at: number): Trace[] {
    const out: Trace[] = [];
    for (const t of this.traces.values()) {
      const end = t.inFlight ? Infinity : t.start + (t.duration ?? 0);
      if (t.start <= at && at <= end + LINGER_MS) out.push(t);
    }
    return out;
  }
}

export function matchesFilter(t: Trace, filter: TraceFilter): boolean {
  if (filter.target && t.target !== filter.target) return false;
  if (filter.route && t.route !== filter.route) return false;
  if (filter.status === 'error' && !isFailedTrace(t)) return false;
  if (filter.status === 'ok' && isFailedTrace(t)) return false;
  return true;
}
