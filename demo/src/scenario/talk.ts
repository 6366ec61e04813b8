/**
 * A scripted scenario is data: captions for the audience, how long each step
 * holds the screen, and what traffic it makes. The runner (runner.ts) plays it.
 */
export type ScenarioAction =
  /** One request through `target`, then the dashboard plays it at `rate` (slow motion). */
  | { kind: 'focus'; target: string; path: string; rate: number }
  /** A closed-loop burst on every target at once, bounded by count and by the step's duration. */
  | { kind: 'burst'; targets: string[]; path: string; concurrency: number; maxRequests: number }
  | { kind: 'caption' };

export interface ScenarioStep {
  caption: string;
  /** How long the step holds the screen at timeScale 1. */
  durationMs: number;
  action: ScenarioAction;
}

export interface Scenario {
  name: string;
  steps: ScenarioStep[];
}

/** `hopscope demo --scenario talk`: the built-in `dev` and `workers` targets, hands-free. */
export const TALK_SCENARIO: Scenario = {
  name: 'talk',
  steps: [
    {
      caption: 'One request, in slow motion: from a client through the proxy to the app, and back.',
      durationMs: 15_000,
      action: { kind: 'focus', target: 'dev', path: '/items/7', rate: 0.1 },
    },
    {
      caption:
        'Eight clients at once on both servers, each request waiting 100 ms for a slow database. The dev server handles one request at a time: the others wait in line (yellow). The "workers" server runs several at once.',
      durationMs: 10_000,
      action: { kind: 'burst', targets: ['dev', 'workers'], path: '/slow?ms=100', concurrency: 8, maxRequests: 500 },
    },
    {
      caption:
        'Now each request needs 30 ms of pure computation. The dev server still takes them one by one, so the line grows; the workers spread them over several processes.',
      durationMs: 10_000,
      action: { kind: 'burst', targets: ['dev', 'workers'], path: '/cpu?ms=30', concurrency: 8, maxRequests: 600 },
    },
    {
      caption:
        'The yellow line in front of the dev server was the queue hop: time spent waiting for a free worker, before your code even runs. More workers, shorter line.',
      durationMs: 5_000,
      action: { kind: 'caption' },
    },
    // N+1 vs join: the same page of ten books with their authors, from the demo's SQLite catalogue.
    {
      caption: 'The view ran the same SELECT 10 times — an N+1 query: one for the list of books, then one more per book for its author.',
      durationMs: 15_000,
      action: { kind: 'focus', target: 'dev', path: '/books', rate: 0.1 },
    },
    {
      caption: 'The same page with one JOIN: a single query, and no finding. Same answer, one trip to the database instead of eleven.',
      durationMs: 10_000,
      action: { kind: 'focus', target: 'dev', path: '/books?join=1', rate: 0.1 },
    },
  ],
};

export const SCENARIOS: Record<string, Scenario> = { talk: TALK_SCENARIO };
