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
}

export const DEFAULT_INGEST_BUDGET: IngestBudgetLimits = { maxBytes: 64 * 1024 * 1024, maxRequests: 64 };

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
