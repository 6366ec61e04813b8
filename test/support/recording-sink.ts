import type { SpanRecord, SpanSink } from '@hopscope/shared';

/** A SpanSink that keeps what it is given, for tests that look at the proxy's spans. */
export class RecordingSink implements SpanSink {
  readonly started: SpanRecord[] = [];
  readonly ended: SpanRecord[] = [];

  spanStarted(span: SpanRecord): void {
    this.started.push({ ...span, attributes: { ...span.attributes } });
  }

  spanEnded(span: SpanRecord): void {
    this.ended.push(span);
  }

  /** The ended span of a hop ('proxy' or 'server') for the request to `path`. */
  endedHop(hop: string, path?: string): SpanRecord | undefined {
    const traces = new Set(this.ended.filter((s) => path === undefined || s.attributes['url.path'] === path).map((s) => s.traceId));
    return this.ended.find((s) => s.attributes['hopscope.hop'] === hop && traces.has(s.traceId));
  }
}
