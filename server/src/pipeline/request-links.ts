import { ATTR_HOPSCOPE_TARGET, type SpanRecord, type Trace } from '@hopscope/shared';
import { isProxySpan } from './request-keys';

/**
 * Links between requests of one trace made by different services behind
 * hopscope: service A's view calls service B through B's proxy, the call's
 * CLIENT span is the parent of B's proxy SERVER span, and B's request is a
 * request of its own in the store (request-keys.ts). A's call learns which
 * request it made (`call.request`), B's trace who called it (`calledBy`).
 * Resolved whenever a trace is read, since either side may arrive first.
 */
export class RequestLinks {
  /** `traceId:callerSpanId` → the request (and its target) a proxy span under that span began. */
  private readonly byCaller = new Map<string, { request: string; target?: string }>();

  /** A proxy SERVER span stored under `key`. */
  noteProxySpan(span: SpanRecord, key: string): void {
    if (!isProxySpan(span) || !span.parentSpanId) return;
    const target = span.attributes[ATTR_HOPSCOPE_TARGET];
    this.byCaller.set(ref(span.traceId, span.parentSpanId), typeof target === 'string' ? { request: key, target } : { request: key });
  }

  /** The request a proxy span under `callerSpanId` began, if one is stored. */
  calledFrom(traceId: string, callerSpanId: string): string | undefined {
    return this.byCaller.get(ref(traceId, callerSpanId))?.request;
  }

  /** A request left the store. */
  forget(key: string, spans: readonly SpanRecord[]): void {
    for (const span of spans) {
      if (!isProxySpan(span) || !span.parentSpanId) continue;
      const id = ref(span.traceId, span.parentSpanId);
      if (this.byCaller.get(id)?.request === key) this.byCaller.delete(id);
    }
  }

  /**
   * Sets the links of a trace stored under `key` from `spans`. `requestOf`
   * names the request holding a span, `targetOf` a request's target.
   */
  link(
    trace: Trace,
    key: string,
    spans: readonly SpanRecord[],
    requestOf: (traceId: string, spanId: string) => string | undefined,
    targetOf: (request: string) => string | undefined,
  ): void {
    const traceId = spans[0]?.traceId;
    if (traceId === undefined) return;
    delete trace.calledBy;
    const proxy = spans.find(isProxySpan);
    const caller = proxy?.parentSpanId ? requestOf(traceId, proxy.parentSpanId) : undefined;
    if (caller !== undefined && caller !== key && proxy?.parentSpanId) {
      const target = targetOf(caller);
      trace.calledBy =
        target === undefined ? { request: caller, spanId: proxy.parentSpanId } : { request: caller, target, spanId: proxy.parentSpanId };
    }
    for (const call of trace.calls ?? []) {
      delete call.request;
      delete call.requestTarget;
      const called = call.kind === 'http' && call.spanId ? this.byCaller.get(ref(traceId, call.spanId)) : undefined;
      if (!called || called.request === key) continue;
      call.request = called.request;
      if (called.target !== undefined) call.requestTarget = called.target;
    }
  }
}

function ref(traceId: string, spanId: string): string {
  return `${traceId}:${spanId}`;
}
