/**
 * A closed-loop burst: `concurrency` clients each send the next request when
 * the previous one is answered, until `maxRequests` were sent or `untilMs`
 * (a performance.now() deadline) passes, whichever comes first.
 */
export async function burst(url: string, concurrency: number, maxRequests: number, untilMs: number, signal: AbortSignal): Promise<number> {
  let sent = 0;
  const client = async () => {
    while (sent < maxRequests && performance.now() < untilMs && !signal.aborted) {
      sent++;
      try {
        const res = await fetch(url, { signal });
        await res.arrayBuffer();
      } catch {
        // A failed request is a trace like any other; the scenario goes on.
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return sent;
}
