import type { Call, Hop, Trace } from '@hopscope/shared';

/** Test helpers shared by the dashboard's unit tests: a measured hop, a trace, a database call. */
export const hop = (name: Hop['hop'], start: number, duration: number, extra: Partial<Hop> = {}): Hop => ({
  hop: name,
  start,
  duration,
  measured: true,
  source: 'measured',
  inFlight: false,
  attributes: {},
  ...extra,
});

export const trace = (id: string, extra: Partial<Trace> = {}): Trace => ({
  traceId: id,
  target: 'dev',
  method: 'GET',
  path: '/',
  start: 1000,
  duration: 10,
  status: 200,
  inFlight: false,
  hops: [hop('proxy', 1000, 10)],
  ...extra,
});

export const dbCall = (start: number, duration: number, statement = 'SELECT * FROM items WHERE id = ?'): Call => ({
  kind: 'db',
  name: 'SELECT items',
  system: 'sqlite',
  statement,
  start,
  duration,
  hop: 'view',
});
