import { booksView } from './books';
import type { ViewContext } from './traced-db';

/**
 * The demo app's routes: what a tiny Flask app would have. `match` is the
 * route hop (URL matching); each view returns a status and a body.
 */
export interface RouteMatch {
  route: string;
  view: (params: Record<string, string>, query: URLSearchParams, context: ViewContext) => Promise<ViewResult> | ViewResult;
  params: Record<string, string>;
}

export interface ViewResult {
  status: number;
  body: string;
  contentType: string;
}

const MAX_MS = 60_000;

const ROUTES: Array<{ route: string; pattern: RegExp; view: RouteMatch['view'] }> = [
  { route: '/', pattern: /^\/$/, view: () => text('Hello from the hopscope demo app!\n') },
  {
    route: '/items/:id',
    pattern: /^\/items\/(?<id>[^/]+)$/,
    view: (params) => json({ id: params.id, name: `item ${params.id}` }),
  },
  {
    route: '/slow',
    pattern: /^\/slow$/,
    // I/O-bound: waits without using the CPU, like a database call.
    view: async (_params, query) => {
      const ms = boundedMs(query.get('ms'), 100);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return text(`slept ${ms} ms\n`);
    },
  },
  {
    route: '/cpu',
    pattern: /^\/cpu$/,
    // CPU-bound: a busy loop holds the process, like pure-Python work under the GIL.
    view: (_params, query) => {
      const ms = boundedMs(query.get('ms'), 20);
      const until = performance.now() + ms;
      let spins = 0;
      while (performance.now() < until) spins++;
      return text(`busy for ${ms} ms (${spins} spins)\n`);
    },
  },
  // The catalogue: N+1 queries by default, one JOIN with ?join=1 (books.ts).
  { route: '/books', pattern: /^\/books$/, view: (_params, query, context) => booksView(query, context) },
  {
    route: '/error',
    pattern: /^\/error$/,
    view: () => {
      throw new RangeError('division by zero in the demo view');
    },
  },
];

export function matchRoute(pathname: string): RouteMatch | undefined {
  for (const { route, pattern, view } of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { route, view, params: { ...match.groups } };
  }
  return undefined;
}

function boundedMs(value: string | null, fallback: number): number {
  const ms = value === null ? fallback : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_MS) : fallback;
}

function text(body: string): ViewResult {
  return { status: 200, body, contentType: 'text/plain; charset=utf-8' };
}

function json(value: unknown): ViewResult {
  return { status: 200, body: JSON.stringify(value), contentType: 'application/json' };
}
