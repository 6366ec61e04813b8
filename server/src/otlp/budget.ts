/**
 * One bound on OTLP bodies being read at once, shared by every listener that
 * receives OTLP (the hub port and the OTLP port): a number of requests and a
 * number of bytes (after inflation). Beyond it the receiver answers 503 with
 * Retry-After instead of queueing without limit; OTel SDKs retry
 * 503 and honour Retry-After (OTLP/HTTP spec, "Failures").
 */
export interface IngestBudgetLimits {
  /** Bytes of OTLP bodies held at once across all requests (default 64 MiB). */
  maxBytes: number;
  /** OTLP requests being read or decoded at once (default 64). */
  maxRequests: number;
  /** How long one upload may take: see UploadPace. */
  pace: UploadPace;
}

/**
 * A total deadline per upload that grows with the bytes received, like
 * Apache's mod_reqtimeout (`body=10-60,MinRate=65536`): `baseMs` to start
 * with, one more second for every `bytesPerSecond` bytes, never more than
 * `maxMs`. An idle timer alone is not enough: a client that trickles one byte
 * every few seconds restarts it forever and keeps its slot of the budget.
 */
export interface UploadPace {
  baseMs: number;
  bytesPerSecond: number;
  maxMs: number;
}

export const DEFAULT_UPLOAD_PACE: UploadPace = { baseMs: 10_000, bytesPerSecond: 64 * 1024, maxMs: 60_000 };

export const DEFAULT_INGEST_BUDGET: IngestBudgetLimits = { maxBytes: 64 * 1024 * 1024, maxRequests: 64, pace: DEFAULT_UPLOAD_PACE };

export class IngestBudget {
  private bytes = 0;
  private requests = 0;
  /** Export requests refused because the budget was full. */
  refused = 0;

  constructor(readonly limits: IngestBudgetLimits = DEFAULT_INGEST_BUDGET) {}

  /** A new request may start reading; false (and counted) when the hub is full. */
  enter(): boolean {
    if (this.requests >= this.limits.maxRequests || this.bytes >= this.limits.maxBytes) {
      this.refused++;
      return false;
    }
    this.requests++;
    return true;
  }

  /** Claims `n` more bytes for a request already entered; false (and counted) when they do not fit. */
  charge(n: number): boolean {
    if (this.bytes + n > this.limits.maxBytes) {
      this.refused++;
      return false;
    }
    this.bytes += n;
    return true;
  }

  /** The deadline of one upload that has entered: `onLate` runs once if its body is not in by then. */
  clock(onLate: () => void): UploadClock {
    return new UploadClock(this.limits.pace, onLate);
  }

  /** Gives back what a finished (or failed) request held. */
  leave(charged: number): void {
    this.requests--;
    this.bytes -= charged;
  }

  get bytesInFlight(): number {
    return this.bytes;
  }

  get requestsInFlight(): number {
    return this.requests;
  }
}

/** One upload's deadline under an UploadPace; `received` moves it later, `stop` ends it. */
export class UploadClock {
  private readonly startedAt = Date.now();
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pace: UploadPace,
    private readonly onLate: () => void,
  ) {
    this.schedule();
  }

  received(n: number): void {
    this.bytes += n;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Milliseconds since the start that the bytes so far have earned. */
  private allowanceMs(): number {
    return Math.min(this.pace.maxMs, this.pace.baseMs + (this.bytes / this.pace.bytesPerSecond) * 1000);
  }

  /** Wakes at the deadline as it stands; bytes that arrived meanwhile push it later, so it sleeps again. Never calls back synchronously. */
  private schedule(): void {
    const left = this.startedAt + this.allowanceMs() - Date.now();
    this.timer = setTimeout(
      () => {
        if (this.startedAt + this.allowanceMs() > Date.now()) return this.schedule();
        this.timer = undefined;
        this.onLate();
      },
      Math.max(0, left),
    );
    this.timer.unref();
  }
}
