import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHub, type Hub } from '@hopscope/server';
import type { Trace } from '@hopscope/shared';
import { getJson, request } from '../support/http';

/**
 * CLIENT spans in the shapes the official instrumentations export them
 * (attribute names and values from their own tests: opentelemetry-js-contrib's
 * pg, mysql2, redis and ioredis, opentelemetry-python-contrib's sqlite3,
 * sqlalchemy, requests and urllib; these need a database server, so their
 * spans are fixtures), each under its app's SERVER span, sent as OTLP/HTTP
 * JSON to the hub's real receiver.
 */
let hub: Hub;
beforeAll(async () => {
  hub = await createHub({ port: 0, otlpPort: 0 });
});
afterAll(async () => hub?.close());

type Value = string | number;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const attrs = (a: Record<string, Value>) =>
  Object.entries(a).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } }));

interface Fixture {
  scope: string;
  name: string;
  attributes: Record<string, Value>;
}

/** One request of `service`: its SERVER span (`serverScope`) and the calls below it, 2 ms each, one after another. */
async function send(service: string, serverScope: string, calls: Fixture[]): Promise<string> {
  const traceId = hex(16);
  const serverId = hex(8);
  const t0 = Date.now() - 1_000;
  const ns = (ms: number) => `${ms}000000`;
  const scopeSpans = [
    {
      scope: { name: serverScope },
      spans: [
        {
          traceId,
          spanId: serverId,
          name: 'GET /books',
          kind: 2,
          startTimeUnixNano: ns(t0),
          endTimeUnixNano: ns(t0 + 100),
          attributes: attrs({
            'http.request.method': 'GET',
            'url.path': '/books',
            'http.route': '/books',
            'http.response.status_code': 200,
          }),
        },
      ],
    },
    ...calls.map((call, i) => ({
      scope: { name: call.scope },
      spans: [
        {
          traceId,
          spanId: hex(8),
          parentSpanId: serverId,
          name: call.name,
          kind: 3,
          startTimeUnixNano: ns(t0 + 10 + i * 3),
          endTimeUnixNano: ns(t0 + 12 + i * 3),
          attributes: attrs(call.attributes),
        },
      ],
    })),
  ];
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: attrs({ 'service.name': service }) }, scopeSpans }] });
  const res = await request(hub.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status).toBe(200);
  return traceId;
}

const traceOf = (traceId: string) =>
  vi.waitFor(() => getJson<Trace>(`${hub.url}/api/traces/${traceId}`), { timeout: 10_000, interval: 50 });

const PG = '@opentelemetry/instrumentation-pg';
const pg = (statement: string): Fixture => ({
  scope: PG,
  name: 'pg.query:SELECT postgres',
  attributes: {
    'db.system': 'postgresql',
    'db.name': 'postgres',
    'db.user': 'postgres',
    'db.connection_string': 'postgresql://localhost:54320/postgres',
    'net.peer.name': 'localhost',
    'net.peer.port': 54320,
    'db.statement': statement,
  },
});

describe('official Node instrumentations: database and cache client spans', () => {
  it('pg: an N+1 of 6 queries with inlined ids is six db calls and one repeated_query, no literal kept', async () => {
    const calls = Array.from({ length: 6 }, (_, i) =>
      pg(`SELECT name FROM authors WHERE id = ${100 + i} AND email = 'ann${i}@example.com'`),
    );
    const trace = await traceOf(await send('shop', '@opentelemetry/instrumentation-http', calls));
    expect(trace.calls).toHaveLength(6);
    expect(trace.calls![0]).toMatchObject({
      kind: 'db',
      system: 'postgresql',
      target: 'localhost:54320/postgres',
      statement: 'SELECT name FROM authors WHERE id = ? AND email = ?',
      hop: 'gateway',
    });
    expect(trace.findings).toEqual([
      { kind: 'repeated_query', statement: 'SELECT name FROM authors WHERE id = ? AND email = ?', count: 6, totalMs: 12 },
    ]);
    expect(JSON.stringify(trace)).not.toMatch(/example\.com|= 10\d/);
  });

  it('pg under the stable database conventions (db.system.name, db.query.text, server.address)', async () => {
    const stable: Fixture = {
      scope: PG,
      name: 'SELECT postgres',
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'postgres',
        'db.query.text': 'SELECT * FROM books WHERE id IN ($1, $2, $3)',
        'server.address': 'db.internal',
        'server.port': 5432,
      },
    };
    const trace = await traceOf(await send('shop', '@opentelemetry/instrumentation-http', [stable]));
    expect(trace.calls).toMatchObject([
      { kind: 'db', system: 'postgresql', target: 'db.internal:5432/postgres', statement: 'SELECT * FROM books WHERE id IN (?)' },
    ]);
  });

  it('mysql2, redis and ioredis: db, cache (command only) and cache', async () => {
    const trace = await traceOf(
      await send('shop', '@opentelemetry/instrumentation-http', [
        {
          scope: '@opentelemetry/instrumentation-mysql2',
          name: 'SELECT',
          attributes: {
            'db.system': 'mysql',
            'db.connection_string': 'jdbc:mysql://localhost:33306/test_db',
            'db.name': 'test_db',
            'db.user': 'root',
            'net.peer.name': 'localhost',
            'net.peer.port': 33306,
            'db.statement': 'SELECT 1+1 as solution',
          },
        },
        {
          scope: '@opentelemetry/instrumentation-redis-4',
          name: 'redis-SET',
          attributes: {
            'db.system': 'redis',
            'db.statement': 'SET session:ann [1 other arguments]',
            'net.peer.name': 'localhost',
            'net.peer.port': 6379,
          },
        },
        {
          scope: '@opentelemetry/instrumentation-ioredis',
          name: 'get',
          attributes: { 'db.system': 'redis', 'db.statement': 'get user:1', 'net.peer.name': 'localhost', 'net.peer.port': 6379 },
        },
      ]),
    );
    expect(trace.calls!.map((c) => [c.kind, c.system, c.target, c.statement])).toEqual([
      ['db', 'mysql', 'localhost:33306/test_db', 'SELECT ?+? as solution'],
      ['cache', 'redis', 'localhost:6379', 'SET ?'],
      ['cache', 'redis', 'localhost:6379', 'get ?'],
    ]);
    expect(JSON.stringify(trace)).not.toMatch(/session:ann|user:1/);
  });
});

describe('official Python instrumentations: sqlite3, SQLAlchemy, requests, urllib', () => {
  it('a Flask view: database calls by sqlite3 and SQLAlchemy, HTTP calls by requests and urllib (old HTTP keys, URL redacted)', async () => {
    const trace = await traceOf(
      await send('flask-app', 'opentelemetry.instrumentation.flask', [
        {
          scope: 'opentelemetry.instrumentation.sqlite3',
          name: 'SELECT',
          attributes: { 'db.system': 'sqlite', 'db.name': '', 'db.statement': "SELECT name FROM authors WHERE name = 'Ann'" },
        },
        {
          scope: 'opentelemetry.instrumentation.sqlalchemy',
          name: 'SELECT :memory:',
          attributes: { 'db.system': 'sqlite', 'db.name': ':memory:', 'db.statement': 'SELECT books.id FROM books WHERE books.id = ?' },
        },
        {
          scope: 'opentelemetry.instrumentation.requests',
          name: 'GET',
          attributes: { 'http.method': 'GET', 'http.url': 'http://127.0.0.1:8000/status?api_key=abc', 'http.status_code': 200 },
        },
        {
          scope: 'opentelemetry.instrumentation.urllib',
          name: 'GET',
          attributes: { 'http.method': 'GET', 'http.url': 'http://127.0.0.1:8001/stock/7', 'http.status_code': 200 },
        },
      ]),
    );
    expect(trace.calls!.map((c) => [c.kind, c.system, c.target, c.statement, c.status])).toEqual([
      ['db', 'sqlite', undefined, 'SELECT name FROM authors WHERE name = ?', undefined],
      ['db', 'sqlite', ':memory:', 'SELECT books.id FROM books WHERE books.id = ?', undefined],
      ['http', 'http', 'http://127.0.0.1:8000/status?api_key=[redacted]', undefined, 200],
      ['http', 'http', 'http://127.0.0.1:8001/stock/7', undefined, 200],
    ]);
    // requests then urllib, one after the other: they could have run in parallel.
    expect(trace.findings).toEqual([
      {
        kind: 'sequential_calls',
        count: 2,
        totalMs: 4,
        savedMs: 2,
        targets: ['http://127.0.0.1:8000/status?api_key=[redacted]', 'http://127.0.0.1:8001/stock/7'],
      },
    ]);
    expect(JSON.stringify(trace)).not.toMatch(/'Ann'|api_key=abc/);
  });
});
