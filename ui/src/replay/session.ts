import type { Recording, StackKind, StatsSnapshot, TargetInfo, Trace } from '@hopscope/shared';
import { compareLanes, laneOf } from '../lanes';
import { matchesFilter } from '../model';
import type { TraceFilter, TraceSource } from '../source';
import { replayStats } from './stats';

/** How long a finished request stays drawn (faded) after its end, as in the live view. */
const LINGER_MS = 300;
/** A worker lane is drawn while it served a request in the last this-many ms. */
const LANE_WINDOW_MS = 30_000;

/**
 * A recording as a TraceSource: the same diagram, counters and list as live,
 * at any virtual time, forwards or backwards (the scrubber). Traces are kept
 * sorted by start so each frame finds its active ones by binary search.
 */
export class ReplaySession implements TraceSource {
  readonly targets: TargetInfo[];
  readonly traces: readonly Trace[];
  private readonly byId: Map<string, Trace>;
  private readonly longestMs: number;
  private readonly stacks = new Map<string, StackKind>();
  private statsCache: { at: number; stats: StatsSnapshot } | undefined;

  constructor(readonly recording: Recording) {
    this.traces = [...recording.traces].sort((a, b) => a.start - b.start);
    this.byId = new Map(this.traces.map((t) => [t.traceId, t]));
    this.longestMs = this.traces.reduce((max, t) => Math.max(max, t.duration ?? 0), 0);
    const named = new Set(recording.targets.map((t) => t.name));
    const extra = [...new Set(this.traces.map((t) => t.target))]
      .filter((name) => !named.has(name))
      .map((name) => ({ name, upstream: '', proxy: '' }));
    this.targets = [...recording.targets, ...extra];
    for (const trace of this.traces) if (trace.stack) this.stacks.set(trace.target, trace.stack);
  }

  get start(): number {
    return this.recording.start;
  }

  get end(): number {
    return this.recording.end;
  }

  activeAt(at: number): Trace[] {
    const out: Trace[] = [];
    // Only traces that started within the longest duration before `at` can still be running.
    for (let i = this.firstStartingAfter(at) - 1; i >= 0; i--) {
      const trace = this.traces[i]!;
      if (trace.start < at - this.longestMs - LINGER_MS) break;
      if (at <= trace.start + (trace.duration ?? 0) + LINGER_MS) out.push(trace);
    }
    return out.reverse();
  }

  lanes(target: string, at: number): string[] {
    const workers = new Set<string>();
    for (let i = this.firstStartingAfter(at) - 1; i >= 0; i--) {
      const trace = this.traces[i]!;
      if (trace.start < at - LANE_WINDOW_MS) break;
      const lane = trace.target === target ? laneOf(trace) : undefined;
      if (lane) workers.add(lane);
    }
    return [...workers].sort(compareLanes);
  }

  list(filter: TraceFilter, limit: number, at: number): Trace[] {
    const out: Trace[] = [];
    for (let i = this.firstStartingAfter(at) - 1; i >= 0 && out.length < limit; i--) {
      if (matchesFilter(this.traces[i]!, filter)) out.push(this.traces[i]!);
    }
    return out;
  }

  get(traceId: string): Trace | undefined {
    return this.byId.get(traceId);
  }

  stackOf(target: string): StackKind | undefined {
    return this.stacks.get(target);
  }

  statsAt(at: number): StatsSnapshot {
    // Counters are read four times a second; recompute when the playhead moved noticeably.
    if (!this.statsCache || Math.abs(this.statsCache.at - at) > 100) {
      const spans = this.traces.reduce((n, t) => n + t.hops.filter((h) => h.measured).length, 0);
      this.statsCache = {
        at,
        stats: replayStats(
          this.traces,
          this.targets.map((t) => t.name),
          at,
          { spans },
        ),
      };
    }
    return this.statsCache.stats;
  }

  /** Index of the first trace starting after `at` (binary search). */
  private firstStartingAfter(at: number): number {
    let low = 0;
    let high = this.traces.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.traces[mid]!.start <= at) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
