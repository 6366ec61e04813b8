import { isFailedTrace, type Trace } from '@hopscope/shared';

export interface RateBucket {
  /** Offset of the bucket's start from the recording's start, ms. */
  from: number;
  requests: number;
  failed: number;
}

/**
 * Requests started per time bucket over a recording, and how many of them
 * failed: the scrubber's sparkline and error marks, so a speaker can find the
 * burst and the failure without playing the whole file.
 */
export function rateBuckets(traces: readonly Trace[], start: number, end: number, count: number): RateBucket[] {
  const length = Math.max(1, end - start);
  const width = length / count;
  const buckets = Array.from({ length: count }, (_, i) => ({ from: i * width, requests: 0, failed: 0 }));
  for (const trace of traces) {
    const i = Math.min(count - 1, Math.max(0, Math.floor((trace.start - start) / width)));
    buckets[i]!.requests++;
    if (isFailedTrace(trace)) buckets[i]!.failed++;
  }
  return buckets;
}
