import { isFailedTrace, type Trace } from '@hopscope/shared';
import type { TraceFilter } from './store';

/** The traces a list takes, newest first: up to `limit` matching ones, and stopping before their spans pass `maxBytes` (at least one). */
export class ListChoice {
  private readonly traces: Trace[] = [];
  private readonly limit: number;
  private bytes = 0;
  private complete = true;

  constructor(
    private readonly filter: TraceFilter,
    private readonly maxBytes: number,
  ) {
    this.limit = filter.limit ?? 100;
  }

  wantsMore(): boolean {
    return this.complete && this.traces.length < this.limit;
  }

  consider(bytes: number, trace: Trace | undefined): void {
    if (!trace || !matches(trace, this.filter)) return;
    if (this.traces.length > 0 && this.bytes + bytes > this.maxBytes) {
      this.complete = false;
      return;
    }
    this.bytes += bytes;
    this.traces.push(summaryOf(trace));
  }

  result(): { traces: Trace[]; complete: boolean } {
    return { traces: this.traces, complete: this.complete };
  }
}

function summaryOf(trace: Trace): Trace {
  if (trace.spans === undefined) return trace;
  const { spans: _tree, ...summary } = trace;
  return summary;
}

function matches(trace: Trace, filter: TraceFilter): boolean {
  if (filter.target && trace.target !== filter.target) return false;
  if (filter.route && trace.route !== filter.route) return false;
  if (filter.status) {
    const status = trace.status ?? 0;
    if (filter.status === 'error') return isFailedTrace(trace);
    if (/^\dxx$/.test(filter.status)) return Math.floor(status / 100) === Number(filter.status[0]);
    return String(status) === filter.status;
  }
  return true;
}
