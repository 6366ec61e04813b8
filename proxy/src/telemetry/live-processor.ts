import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanSink } from '@hopscope/shared';
import { toSpanRecord } from './span-record';

/**
 * The hub's live view of every proxy span: `onStart` hands the span in flight
 * to the sink (in the worker, the bounded SpanChannel), `onEnd` the finished
 * one. Synchronous and cheap (one object copy per event); a sink that throws
 * loses that span, never the request.
 */
export class LiveSpanProcessor implements SpanProcessor {
  constructor(private readonly sink: SpanSink) {}

  onStart(span: Span, _parentContext: Context): void {
    this.hand('spanStarted', span);
  }

  onEnd(span: ReadableSpan): void {
    this.hand('spanEnded', span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private hand(method: 'spanStarted' | 'spanEnded', span: ReadableSpan): void {
    try {
      this.sink[method](toSpanRecord(span));
    } catch {
      // A sink must not throw (SpanSink contract); if one does, the request still goes on.
    }
  }
}
