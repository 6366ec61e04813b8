import type { StackKind, StatsSnapshot, TargetInfo, Trace } from '@hopscope/shared';

export interface TraceFilter {
  target?: string;
  status?: string;
  route?: string;
}

/**
 * What the diagram, the counters and the trace list read from. The live
 * dashboard model and a replayed recording both provide it, so live view,
 * slow motion and replay are one renderer over one playback clock.
 */
export interface TraceSource {
  readonly targets: TargetInfo[];
  /** Traces drawn at virtual time `at` (running, or just finished). */
  activeAt(at: number): Trace[];
  /** Worker lanes of a target at virtual time `at`. */
  lanes(target: string, at: number): string[];
  /** Newest first; a replay lists only what has started by `at`. */
  list(filter: TraceFilter, limit: number, at: number): Trace[];
  get(traceId: string): Trace | undefined;
  /** What kind of server a target's app is, as its newest spans say (words that fit: "Gateway (ASGI)"). */
  stackOf(target: string): StackKind | undefined;
  /** Counters at virtual time `at`; undefined until known. */
  statsAt(at: number): StatsSnapshot | undefined;
}
