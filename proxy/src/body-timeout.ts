import type { Readable } from 'node:stream';

/**
 * Limits on how a client sends its request body. A proxy that streams holds
 * an upstream connection (a Gunicorn sync worker: the whole worker) for as
 * long as the body takes, so a body that stalls, or trickles in a byte at a
 * time, would hold it for as long as the client likes.
 */
export interface BodyTimeouts {
  /** No body byte for this long: cut (nginx's client_body_timeout, 60 s). */
  idleMs: number;
  /**
   * And the body must keep a minimum rate: it may take `graceMs` plus one
   * second per `minBytesPerSecond` bytes received so far (Apache
   * mod_reqtimeout's `body=20,MinRate=500`), which a one-byte trickle never
   * earns while any real upload does.
   */
  graceMs: number;
  minBytesPerSecond: number;
}

export const DEFAULT_BODY_TIMEOUTS: BodyTimeouts = { idleMs: 60_000, graceMs: 20_000, minBytesPerSecond: 500 };

/** How often the limits are checked, as a fraction of the shortest one: no timer work per chunk. */
const CHECKS_PER_LIMIT = 4;

/**
 * Watches `req`'s body from now until it ends (or `stop`), and calls
 * `onTimeout` once if a limit is passed. Time during which nobody reads the
 * body (the request still waits for an upstream connection, or the app does
 * not read fast enough and the body is paused) is not held against the
 * client.
 */
export function watchRequestBody(req: Readable, limits: BodyTimeouts, onTimeout: () => void): () => void {
  let received = 0;
  let lastByteAt = Date.now();
  let elapsedMs = 0;
  let checkedAt = lastByteAt;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    lastByteAt = Date.now();
  };
  const tickMs = Math.max(10, Math.min(limits.idleMs, limits.graceMs) / CHECKS_PER_LIMIT);
  const timer = setInterval(() => {
    const now = Date.now();
    if (req.readableFlowing !== true) {
      // Nobody reads the body yet (the request waits for a connection) or the app reads slower than it comes: not the client's doing.
      lastByteAt = now;
    } else {
      elapsedMs += now - checkedAt;
    }
    checkedAt = now;
    const allowedMs = limits.graceMs + (received / limits.minBytesPerSecond) * 1000;
    if (now - lastByteAt > limits.idleMs || elapsedMs > allowedMs) {
      stop();
      onTimeout();
    }
  }, tickMs);
  const stop = () => {
    clearInterval(timer);
    req.off('data', onData);
    req.off('end', stop);
    req.off('close', stop);
  };
  req.prependListener('data', onData);
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}
