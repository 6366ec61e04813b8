import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanSink } from '@hopscope/shared';
import { toSpanRecord } from './span-record';

/**
 * Where the live processor hands SDK spans: in the worker the bounded
 * SpanChannel, which turns them into SpanRecords only when (and if) it posts
 * them; in process a record sink (recordsTo).
 */
export interface LiveSpans {
  spanStarted(span: ReadableSpan): void;
  spanEnded(span: ReadableSpan): void;
}

/**
 * The hub's live view of every proxy span: `onStart` hands the span in flight
 * on, `onEnd` the finished one. Synchronous and cheap; a receiver that
 * throws loses that span, never the request.
 */
export class LiveSpanProcessor implements SpanProcessor {
  constructor(private readonly live: LiveSpans) {}

  onStart(span: Span, _parentContext: Context): void {
    try {
      this.live.spanStarted(span);
    } catch {
      // A sink must not throw (SpanSink contract); if one does, the request still goes on.
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      this.live.spanEnded(span);
    } catch {
      // As above.
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** SDK spans to a record sink on this thread (the hub's, for a proxy started in process): each start and end as a SpanRecord. */
export function recordsTo(sink: SpanSink): LiveSpans {
  return {
    spanStarted: (span) => sink.spanStarted(toSpanRecord(span)),
    spanEnded: (span) => sink.spanEnded(toSpanRecord(span)),
  };
}
