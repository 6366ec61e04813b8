import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchRequestBody, type BodyTimeouts } from './body-timeout';

const LIMITS: BodyTimeouts = { idleMs: 100, graceMs: 100, minBytesPerSecond: 1_000 };
const stops: Array<() => void> = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
  vi.useRealTimers();
});

/** A request body stream as the watcher sees it, and a count of the timeouts it reported. */
function watched() {
  const body = new PassThrough();
  const timeouts = { count: 0 };
  stops.push(watchRequestBody(body, LIMITS, () => timeouts.count++));
  return { body, timeouts };
}

describe('watchRequestBody', () => {
  it('a body nobody reads yet (the request waits for an upstream connection) is not timed out', () => {
    vi.useFakeTimers();
    const { body, timeouts } = watched();
    body.write('sent at once, waiting in the socket');
    vi.advanceTimersByTime(1_000);
    expect(timeouts.count).toBe(0);
  });

  it('a body paused by a slow reader is not timed out', () => {
    vi.useFakeTimers();
    const { body, timeouts } = watched();
    body.on('data', () => {});
    body.pause();
    vi.advanceTimersByTime(1_000);
    expect(timeouts.count).toBe(0);
  });

  it('a flowing body that stops arriving is timed out once', () => {
    vi.useFakeTimers();
    const { body, timeouts } = watched();
    body.on('data', () => {});
    body.write('x');
    vi.advanceTimersByTime(1_000);
    expect(timeouts.count).toBe(1);
  });

  it('a body that ends is no longer watched', async () => {
    vi.useFakeTimers();
    const { body, timeouts } = watched();
    body.on('data', () => {});
    body.end('done');
    await new Promise((resolve) => body.once('end', resolve));
    vi.advanceTimersByTime(1_000);
    expect(timeouts.count).toBe(0);
  });
});
