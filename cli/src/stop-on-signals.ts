/** How long a stop waits for the requests in flight before it cuts them. */
const DRAIN_GRACE_MS = 10_000;

/**
 * SIGINT/SIGTERM stop gracefully, as process managers expect (systemd and
 * Docker send SIGTERM, then SIGKILL after a grace period): the proxies stop
 * accepting and the requests in flight finish (for up to 10 s), then the
 * hub closes, which writes what the recordings and the OTLP export still
 * hold. A second signal exits at once.
 */
export function stopOnSignals(running: { drain?(graceMs: number): Promise<void>; close(): Promise<void> }): void {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\nstopping: finishing the requests in flight (up to ${DRAIN_GRACE_MS / 1000} s; press Ctrl+C again to stop now)…`);
    (running.drain?.(DRAIN_GRACE_MS) ?? Promise.resolve())
      .catch(() => {})
      .then(() => running.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
