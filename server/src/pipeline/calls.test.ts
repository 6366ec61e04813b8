import { describe, expect, it } from 'vitest';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_TARGET, type SpanRecord } from '@hopscope/shared';
import { assembleTrace } from './assemble';
import { MAX_CALLS_PER_TRACE } from './calls';
import { redactSpan } from './redact-span';

const TRACE = 'c'.repeat(32);
const PROXY = '1'.repeat(16);
const UPSTREAM = '2'.repeat(16);
const GATEWAY = '3'.repeat(16);
const VIEW = '4'.repeat(16);

function span(
  spanId: string,
  parent: string | undefined,
  kind: SpanRecord['kind'],
  start: number,
  end: number,
  attributes: SpanRecord['attributes'],
  name = 'span',
): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: parent,
    name,
    kind,
    startMs: start,
    endMs: end,
    attributes,
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
}

/** A proxied request whose view runs from 10 to 90. */
function request(...calls: SpanRecord[]): SpanRecord[] {
  return [
    span(PROXY, undefined, 'server', 0, 100, { [ATTR_HOPSCOPE_HOP]: 'proxy', [ATTR_HOPSCOPE_TARGET]: 'shop' }),
    span(UPSTREAM, PROXY, 'client', 2, 98, { [ATTR_HOPSCOPE_HOP]: 'server' }),
    span(GATEWAY, UPSTREAM, 'server', 5, 95, { [ATTR_HOPSCOPE_HOP]: 'gateway' }),
    span(VIEW, GATEWAY, 'internal', 10, 90, { [ATTR_HOPSCOPE_HOP]: 'view' }),
    ...calls,
  ].map(redactSpan);
}

const id = (n: number) => n.toString(16).padStart(16, 'a');
const query = (n: number, sql: string, start: number, system = 'sqlite') =>
  span(id(n), VIEW, 'client', start, start + 2, { 'db.system.name': system, 'db.query.text': sql, 'db.namespace': 'shop.db' }, 'SELECT');

describe('calls: CLIENT spans below the app hops', () => {
  it('a database query in the view is a db call of the view, its literals gone', () => {
    const trace = assembleTrace(request(query(1, "SELECT * FROM books WHERE author = 'Ann' AND id = 7", 20)), 200)!;
    expect(trace.calls).toEqual([
      {
        kind: 'db',
        name: 'SELECT',
        system: 'sqlite',
        target: 'shop.db',
        statement: 'SELECT * FROM books WHERE author = ? AND id = ?',
        start: 20,
        duration: 2,
        hop: 'view',
        spanId: id(1),
      },
    ]);
  });

  it("the proxy's own CLIENT span (the server hop) is not a call, and a request without outgoing calls has none", () => {
    expect(assembleTrace(request(), 200)!.calls).toBeUndefined();
  });

  it('literals leave the span tree too (db.statement, db.query.text and a span named by its statement)', () => {
    const raw = span(
      id(2),
      VIEW,
      'client',
      20,
      22,
      { 'db.system': 'postgresql', 'db.statement': "UPDATE u SET pw = 'hunter2'" },
      "UPDATE u SET pw = 'hunter2'",
    );
    const trace = assembleTrace(request(raw), 200)!;
    const text = JSON.stringify(trace);
    expect(text).not.toContain('hunter2');
    expect(trace.spans!.find((s) => s.spanId === id(2))).toMatchObject({
      name: 'UPDATE u SET pw = ?',
      attributes: { 'db.statement': 'UPDATE u SET pw = ?' },
    });
  });

  it('kinds by semantic conventions: cache (redis), messaging, http (new and old keys), other', () => {
    const trace = assembleTrace(
      request(
        span(
          id(3),
          VIEW,
          'client',
          20,
          21,
          { 'db.system': 'redis', 'db.statement': 'GET session:ann', 'server.address': 'cache', 'server.port': 6379 },
          'get',
        ),
        span(id(4), VIEW, 'client', 22, 23, { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }, 'publish orders'),
        {
          ...span(
            id(5),
            VIEW,
            'client',
            24,
            30,
            {
              'http.request.method': 'GET',
              'url.full': 'http://pay:1/charge?token=abc&x=1',
              'server.address': 'pay',
              'http.response.status_code': 502,
            },
            'GET',
          ),
          status: { code: 'error' as const },
        },
        span(
          id(6),
          VIEW,
          'client',
          31,
          33,
          { 'http.method': 'POST', 'http.url': 'http://u:secret@old/a', 'net.peer.name': 'old' },
          'HTTP POST',
        ),
        span(id(7), VIEW, 'client', 34, 35, {}, 'grpc.Call'),
      ),
      200,
    )!;
    expect(trace.calls!.map((c) => [c.kind, c.system, c.target, c.statement, c.status])).toEqual([
      ['cache', 'redis', 'cache:6379', 'GET ?', undefined],
      ['messaging', 'kafka', 'orders', undefined, undefined],
      ['http', 'http', 'http://pay:1/charge?token=[redacted]&x=1', undefined, 502],
      ['http', 'http', 'http://REDACTED:REDACTED@old/a', undefined, undefined],
      ['other', undefined, undefined, undefined, undefined],
    ]);
    expect(trace.calls![2]!.error).toBe('502');
    expect(JSON.stringify(trace)).not.toMatch(/secret|token=abc|session:ann/);
  });

  it('a call nested under an app span that is no hop still belongs to the nearest hop above it', () => {
    const orm = span(id(8), VIEW, 'internal', 15, 40, {}, 'orm.load');
    const trace = assembleTrace(
      request(orm, span(id(9), id(8), 'client', 20, 25, { 'db.system': 'mysql', 'db.statement': 'SELECT 1' })),
      200,
    )!;
    expect(trace.calls).toMatchObject([{ hop: 'view', statement: 'SELECT ?' }]);
  });

  it(`at most ${MAX_CALLS_PER_TRACE} calls are listed, the rest counted, and the finding still counts them all`, () => {
    const many = Array.from({ length: MAX_CALLS_PER_TRACE + 20 }, (_, i) =>
      query(100 + i, `SELECT * FROM t WHERE id = ${i}`, 11 + i * 0.1),
    );
    const trace = assembleTrace(request(...many), 200)!;
    expect(trace.calls).toHaveLength(MAX_CALLS_PER_TRACE);
    expect(trace.callsDropped).toBe(20);
    expect(trace.findings).toMatchObject([{ kind: 'repeated_query', count: MAX_CALLS_PER_TRACE + 20 }]);
  });
});
