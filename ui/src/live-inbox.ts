import { liveMessageSchema, type LiveMessage } from '@hopscope/shared';

/**
 * New requests taken into the page per drain (a frame): 3,600 a second at 60
 * frames/s, far more than the diagram draws (150 particles a row) or the list
 * shows (60 rows). Beyond it the rest are counted, not shown.
 */
export const NEW_TRACES_PER_DRAIN = 60;
/** Messages held at most between drains (a hidden tab draws no frames): then one drain at once. */
const MAX_PENDING = 10_000;

interface Pending {
  data: unknown;
  receivedAt: number;
}

/**
 * The live stream's messages wait here and are applied once per frame, not
 * one task each: a message is parsed as JSON when it arrives and validated
 * (the schema, the costly part) only if it is applied. Per drain, a request's
 * in-flight version followed by a newer one is not applied (the newer one
 * says more); requests the page already shows are always completed; of
 * requests new to the page at most NEW_TRACES_PER_DRAIN, the newest, are
 * taken, and the others are counted in `skipped` (shown with the live
 * messages dropped). Other messages (hello, stats, scenario) are always
 * applied, in order.
 */
export class LiveInbox {
  private pending: Pending[] = [];
  skipped = 0;
  invalid = 0;

  constructor(
    private readonly apply: (message: LiveMessage, receivedAt: number) => void,
    private readonly known: (traceId: string) => boolean,
  ) {}

  push(raw: string, receivedAt: number): void {
    try {
      this.pending.push({ data: JSON.parse(raw) as unknown, receivedAt });
    } catch {
      this.invalid++;
    }
    if (this.pending.length >= MAX_PENDING) this.drain();
  }

  drain(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const taken = this.choose(batch);
    for (const entry of batch) {
      if (!taken.has(entry)) continue;
      const result = liveMessageSchema.safeParse(entry.data);
      if (result.success) this.apply(result.data, entry.receivedAt);
      else this.invalid++;
    }
  }

  /** Which entries of a batch are applied (see the class comment), newest first. */
  private choose(batch: readonly Pending[]): Set<Pending> {
    const taken = new Set<Pending>();
    /** Trace id → whether its newest version in the batch is applied. */
    const newest = new Map<string, boolean>();
    let fresh = 0;
    for (let i = batch.length - 1; i >= 0; i--) {
      const entry = batch[i]!;
      const trace = traceOf(entry.data);
      if (!trace) {
        taken.add(entry);
        continue;
      }
      const newer = newest.get(trace.id);
      if (newer === undefined) {
        const take = this.known(trace.id) || fresh < NEW_TRACES_PER_DRAIN;
        if (!this.known(trace.id) && take) fresh++;
        if (take) taken.add(entry);
        else this.skipped++;
        newest.set(trace.id, take);
      } else if (newer && !trace.inFlight) taken.add(entry);
    }
    return taken;
  }
}

/** A trace message's id and state, read before validation (only to choose; what is applied is validated). */
function traceOf(data: unknown): { id: string; inFlight: boolean } | undefined {
  if (typeof data !== 'object' || data === null || (data as { type?: unknown }).type !== 'trace') return undefined;
  const trace = (data as { trace?: { traceId?: unknown; inFlight?: unknown } }).trace;
  if (typeof trace?.traceId !== 'string') return undefined;
  return { id: trace.traceId, inFlight: trace.inFlight === true };
}
