import { describe, expect, it } from 'vitest';
import type { Trace } from '@hopscope/shared';
import { DEFAULT_ORDER, neighbour, nextOrder, sortTraces, traceIdFromHash } from './trace-order';

const trace = (traceId: string, start: number, duration?: number, status?: number): Trace => ({
  traceId,
  target: 'dev',
  method: 'GET',
  path: '/',
  start,
  duration,
  status,
  inFlight: duration === undefined,
  hops: [],
});

describe('the trace list order', () => {
  const list = [trace('a', 1, 5, 200), trace('b', 3, 50, 500), trace('c', 2, undefined), trace('d', 4, 1, 404)];
  it('is newest first by default, and sorts by duration (in flight longest) and status', () => {
    expect(sortTraces(list, DEFAULT_ORDER).map((t) => t.traceId)).toEqual(['d', 'b', 'c', 'a']);
    expect(sortTraces(list, { key: 'duration', descending: true }).map((t) => t.traceId)).toEqual(['c', 'b', 'a', 'd']);
    expect(sortTraces(list, { key: 'status', descending: false }).map((t) => t.traceId)).toEqual(['c', 'a', 'd', 'b']);
  });
  it('flips the direction when the same header is clicked again', () => {
    expect(nextOrder(DEFAULT_ORDER, 'time')).toEqual({ key: 'time', descending: false });
    expect(nextOrder(DEFAULT_ORDER, 'duration')).toEqual({ key: 'duration', descending: true });
  });
  it('moves the selection one row with ↑ / ↓ and stops at the ends', () => {
    expect(neighbour(['a', 'b', 'c'], undefined, 1)).toBe('a');
    expect(neighbour(['a', 'b', 'c'], 'b', 1)).toBe('c');
    expect(neighbour(['a', 'b', 'c'], 'c', 1)).toBe('c');
    expect(neighbour(['a', 'b', 'c'], 'a', -1)).toBe('a');
    expect(neighbour([], 'a', 1)).toBeUndefined();
  });
  it('reads a trace id from #trace=ID and nothing else', () => {
    expect(traceIdFromHash('#trace=4bf92f3577b34da6a3ce929d0e0e4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdFromHash('#trace=<img>')).toBeUndefined();
    expect(traceIdFromHash('')).toBeUndefined();
  });
});
