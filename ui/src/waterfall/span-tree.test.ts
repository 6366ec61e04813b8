import { describe, expect, it } from 'vitest';
import type { Trace, TraceSpan } from '@hopscope/shared';
import { MAX_TREE_ROWS, spanTree, timeDomain } from './span-tree';

const span = (spanId: string, parentSpanId: string | undefined, start: number, extra: Partial<TraceSpan> = {}): TraceSpan => ({
  spanId,
  parentSpanId,
  name: spanId,
  kind: 'internal',
  start,
  duration: 10,
  inFlight: false,
  status: 'unset',
  attributes: {},
  ...extra,
});
const trace = (spans: TraceSpan[], extra: Partial<Trace> = {}): Trace => ({
  traceId: 't',
  target: 'shop',
  method: 'GET',
  path: '/items/1',
  start: 0,
  duration: 100,
  inFlight: false,
  hops: [],
  spans,
  ...extra,
});
const shape = (t: Trace) => spanTree(t).map((r) => `${'  '.repeat(r.depth)}${r.kind === 'span' ? r.span.spanId : `log:${r.log.body}`}`);

describe('spanTree: every span nested under its parent, as Jaeger draws it', () => {
  // An Express app under the official Node SDK: the SERVER span, middleware and router spans, the handler.
  const express = trace([
    span('handler', 'router', 30, { hop: 'view' }),
    span('proxy', undefined, 0, { hop: 'proxy', kind: 'server' }),
    span('server', 'proxy', 1, { hop: 'server', kind: 'client' }),
    span('http', 'server', 2, { hop: 'gateway', kind: 'server' }),
    span('mw-json', 'http', 5),
    span('router', 'http', 20),
    span('mw-query', 'http', 3),
  ]);

  it('nests each span under its parent, children in time order, non-hop spans kept', () => {
    expect(shape(express)).toEqual(['proxy', '  server', '    http', '      mw-query', '      mw-json', '      router', '        handler']);
  });

  it('keeps every span: a missing parent or its own parent makes a root; a loop starts at its earliest span', () => {
    const odd = trace([span('a', 'missing', 5), span('b', 'b', 1), span('c', 'd', 2), span('d', 'c', 3)]);
    expect(shape(odd)).toEqual(['b', 'a', 'c', '  d']);
  });

  it('puts log records under the span that wrote them, at their time, and the rest at the top level', () => {
    const withLogs = trace(express.spans!, {
      logs: [
        { time: 31, severity: 'INFO', body: 'loading item', spanId: 'handler', attributes: {} },
        { time: 4, severity: 'WARN', body: 'no span', attributes: {} },
      ],
    });
    expect(shape(withLogs)).toEqual([
      'proxy',
      '  server',
      '    http',
      '      mw-query',
      '      mw-json',
      '      router',
      '        handler',
      '          log:loading item',
      'log:no span',
    ]);
  });

  it('shows each exception once, at the deepest span that carries it', () => {
    const error = { type: 'ZeroDivisionError', message: 'division by zero' };
    const failed = trace([
      span('gateway', undefined, 0, { hop: 'gateway', status: 'error', error }),
      span('view', 'gateway', 1, { hop: 'view', status: 'error', error }),
      span('template', 'view', 2, { status: 'error', error: { type: 'TemplateError', message: 'no such block' } }),
    ]);
    const placed = spanTree(failed).flatMap((r) => (r.kind === 'span' && r.exception ? [`${r.span.spanId}:${r.exception.type}`] : []));
    expect(placed).toEqual(['view:ZeroDivisionError', 'template:TemplateError']);
  });

  it("a 500's bare error type on the SERVER span is no second exception; alone, it is shown", () => {
    const placed = (spans: TraceSpan[]) =>
      spanTree(trace(spans)).flatMap((r) => (r.kind === 'span' && r.exception ? [`${r.span.spanId}:${r.exception.type}`] : []));
    const gateway = span('gateway', undefined, 0, { hop: 'gateway', status: 'error', error: { type: '500' } });
    const view = span('view', 'gateway', 1, { hop: 'view', status: 'error', error: { type: 'RangeError', message: 'item 7 is gone' } });
    expect(placed([gateway, view])).toEqual(['view:RangeError']);
    expect(placed([gateway])).toEqual(['gateway:500']);
  });

  it('is bounded whatever a trace holds', () => {
    const many = trace(Array.from({ length: MAX_TREE_ROWS + 500 }, (_, i) => span(`s${i}`, i === 0 ? undefined : `s${i - 1}`, i)));
    expect(spanTree(many)).toHaveLength(MAX_TREE_ROWS);
  });

  it('a trace without spans (an older recording) has no tree', () => {
    expect(spanTree(trace([], { spans: undefined }))).toEqual([]);
  });

  it('the time axis holds the hops, every span and every log record', () => {
    const t = trace([span('late', undefined, 120)], { logs: [{ time: -5, severity: 'INFO', body: 'x', attributes: {} }] });
    expect(timeDomain(t)).toEqual([-5, 130]);
  });
});
