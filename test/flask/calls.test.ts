import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpBase, startHopscope, type RunningHopscope } from '@hopscope/cli';
import { PYTHON, startFlaskDevServer, startGunicorn, type PythonServer } from '@hopscope/demo';
import type { Call, Trace } from '@hopscope/shared';
import { request } from '../support/http';
import { FLASK, GUNICORN_BIN, requirePrerequisites, type Prerequisite } from '../support/prerequisites';
import { finishedTrace, startAll } from '../python/pythons';

/**
 * The calls a Flask view makes, seen end to end: the example app's catalogue (examples/flask,
 * real SQLite through sqlite3 and SQLAlchemy) under the real dev server and Gunicorn behind one
 * hopscope with a proxy per target, and one app calling the other through its proxy with urllib.
 */
const SQLALCHEMY: Prerequisite = {
  name: "SQLAlchemy for Debian's python3",
  apt: 'python3-sqlalchemy',
  present: () => spawnSync(PYTHON, ['-c', 'import sqlalchemy'], { stdio: 'ignore', timeout: 20_000 }).status === 0,
};
const python = requirePrerequisites([FLASK, GUNICORN_BIN, SQLALCHEMY]);

const AUTHOR_BY_ID = 'SELECT name FROM authors WHERE id = ?';
const BOOKS = 'SELECT id, title, author_id FROM books ORDER BY id LIMIT ?';
const JOINED =
  'SELECT books.id, books.title, authors.name FROM books JOIN authors ON authors.id = books.author_id ORDER BY books.id LIMIT ?';

let stack: RunningHopscope;
const servers: PythonServer[] = [];
const proxy: Record<string, string> = {};
const withCalls = (count: number) => (t: Trace) => (t.calls?.length ?? 0) >= count;

beforeAll(async () => {
  if (!python.ok) return;
  stack = await startHopscope({ port: 0, otlpPort: 0, proxyPort: 0, targets: [] });
  const otlpEndpoint = otlpBase(stack.otlpUrl);
  // Gunicorn (Debian's python3: SQLAlchemy 1.4) first: the dev server's /downstream calls it through its proxy.
  const [gunicorn] = await startAll(servers, [startGunicorn({ otlpEndpoint, serviceName: 'books-gunicorn', workers: 2, python: PYTHON })]);
  const [gunicornTarget] = await stack.addTargets([{ name: 'gunicorn', url: gunicorn!.url }]);
  proxy.gunicorn = gunicornTarget!.proxy;
  const [dev] = await startAll(servers, [
    startFlaskDevServer({
      otlpEndpoint,
      serviceName: 'books-dev',
      env: { HOPSCOPE_EXAMPLE_DOWNSTREAM: `${proxy.gunicorn}/books-join?n=3` },
    }),
  ]);
  const [devTarget] = await stack.addTargets([{ name: 'flask-dev', url: dev!.url }]);
  proxy['flask-dev'] = devTarget!.proxy;
}, 90_000);
afterAll(async () => {
  await stack?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

const statements = (calls: Call[]) => calls.map((c) => c.statement);

describe.skipIf(!python.ok)(`a Flask view's database and HTTP calls, live${python.note}`, () => {
  for (const target of ['flask-dev', 'gunicorn']) {
    it(`${target}: /books runs the author query once per book — 11 database calls, 10 of them that query, and a repeated_query finding of 10`, async () => {
      const res = await request(`${proxy[target]}/books`);
      expect(JSON.parse(res.body)).toHaveLength(10);
      const trace = await finishedTrace(stack.hubUrl, target, '/books', withCalls(11));
      const calls = trace.calls!;
      expect(statements(calls)).toEqual([BOOKS, ...Array<string>(10).fill(AUTHOR_BY_ID)]);
      for (const call of calls) {
        expect(call).toMatchObject({ kind: 'db', system: 'sqlite', hop: 'view', name: expect.stringMatching(/^SELECT (books|authors)$/) });
        expect(call.error).toBeUndefined();
      }
      // Literals never reach the hub: the books' ids and the LIMIT went as parameters, and stay out.
      expect(JSON.stringify(trace.spans)).not.toMatch(/authors WHERE id = \d/);
      const view = trace.hops.find((h) => h.hop === 'view')!;
      expect(calls[0]!.start).toBeGreaterThanOrEqual(view.start - 1);
      expect(calls.at(-1)!.start + calls.at(-1)!.duration).toBeLessThanOrEqual(view.start + view.duration + 1);
      expect(trace.findings).toContainEqual(expect.objectContaining({ kind: 'repeated_query', statement: AUTHOR_BY_ID, count: 10 }));
    });

    it(`${target}: /books-join answers the same with one call and no finding`, async () => {
      const [nPlusOne, joined] = await Promise.all([request(`${proxy[target]}/books?n=4`), request(`${proxy[target]}/books-join?n=4`)]);
      expect(JSON.parse(joined.body)).toEqual(JSON.parse(nPlusOne.body));
      const trace = await finishedTrace(stack.hubUrl, target, '/books-join', withCalls(1));
      expect(statements(trace.calls!)).toEqual([JOINED]);
      expect(trace.calls![0]).toMatchObject({ kind: 'db', system: 'sqlite', name: 'SELECT books', hop: 'view' });
      expect(trace.findings ?? []).toEqual([]);
    });
  }

  it('gunicorn: through SQLAlchemy the same N+1 is 11 calls, each once, and the same finding', async () => {
    expect((await request(`${proxy.gunicorn}/books-sqlalchemy`)).status).toBe(200);
    const trace = await finishedTrace(stack.hubUrl, 'gunicorn', '/books-sqlalchemy', withCalls(11));
    expect(trace.calls).toHaveLength(11);
    expect(statements(trace.calls!)).toEqual([BOOKS, ...Array<string>(10).fill(AUTHOR_BY_ID)]);
    expect(trace.findings).toContainEqual(expect.objectContaining({ kind: 'repeated_query', statement: AUTHOR_BY_ID, count: 10 }));
  });

  it("one service calls another through its proxy with urllib: the called request joins the caller's trace, below the caller's call, linked both ways", async () => {
    const res = await request(`${proxy['flask-dev']}/downstream`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 200 });
    // The hub links the two requests once both have arrived.
    const caller = await finishedTrace(stack.hubUrl, 'flask-dev', '/downstream', (t) => t.calls?.some((c) => c.request) ?? false);
    const [call] = caller.calls!;
    expect(call).toMatchObject({ kind: 'http', name: 'GET', system: 'http', hop: 'view', status: 200, requestTarget: 'gunicorn' });
    expect(call!.target).toBe(`${proxy.gunicorn}/books-join?n=3`);
    // Same trace, another request: the first request of a trace to reach the hub is keyed by the trace id, a later one
    // TRACEID-SPANID, and either may come first (the called one, quick, usually does).
    const sameTrace = (t: { traceId: string }) => t.traceId.slice(0, 32) === caller.traceId.slice(0, 32);
    const called = await finishedTrace(stack.hubUrl, 'gunicorn', '/books-join', sameTrace);
    expect(called.traceId).not.toBe(caller.traceId);
    expect(call!.request).toBe(called.traceId);
    expect(called.calledBy).toEqual({ request: caller.traceId, target: 'flask-dev', spanId: call!.spanId });
    // B's proxy continued the traceparent A's call sent: the caller's call span is its parent.
    const proxySpan = called.spans!.find((s) => s.kind === 'server' && s.hop === 'proxy');
    expect(proxySpan?.parentSpanId).toBe(call!.spanId);
    // The called app's own hops and its database call are in its request, not the caller's.
    expect(called.hops.map((h) => h.hop)).toContain('view');
    expect(statements(called.calls!)).toEqual([JOINED]);
    expect(statements(caller.calls!)).toEqual([undefined]);
  });
});
