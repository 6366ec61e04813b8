import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

/**
 * The dashboard bench's load generator, a process of its own so that its
 * event loop does not share the hub's: an open loop of RATE requests/s at
 * each proxy URL given on the command line, for SECONDS, loopback only,
 * bounded in time and count. Reports `{ sent, failed, answered, notSent }`
 * (answered within the loaded period; not sent while MAX_INFLIGHT were unanswered) over IPC when done.
 */
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 20);
const proxies = process.argv.slice(2);
const paths = ['/items/1', '/cpu?ms=1', '/slow?ms=20', '/error'];
const agent = new Agent({ connections: 128 });
let sent = 0;
let failed = 0;
// The bench marks the loaded period in the page from this message on.
process.send?.({ started: true });
const deadline = performance.now() + SECONDS * 1000;
/** Requests still unanswered 2 s after the last one was sent are abandoned (counted as failed): bounded in time. */
const giveUpAt = performance.now() + SECONDS * 1000 + 2_000;
/** Beyond this many unanswered requests per target the stack is not keeping up: more are not sent, but counted. */
const MAX_INFLIGHT = 2_000;
let answered = 0;
let notSent = 0;

async function drive(proxy: string): Promise<void> {
  const interval = 1000 / RATE;
  let next = performance.now();
  let own = 0;
  const inflight = new Set<Promise<void>>();
  while (next < deadline && own < RATE * SECONDS) {
    const wait = next - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // Several due at once (a late timer) go out together: the rate is kept, not the spacing.
    while (next <= performance.now() + 1 && own < RATE * SECONDS) {
      next += interval;
      own++;
      if (inflight.size >= MAX_INFLIGHT) {
        notSent++;
        continue;
      }
      sent++;
      const p = request(`${proxy}${paths[sent % paths.length]}`, {
        dispatcher: agent,
        // One signal per request: a shared one would hold tens of thousands of listeners, each removal a scan.
        signal: AbortSignal.timeout(Math.max(1, Math.round(giveUpAt - performance.now()))),
      })
        .then((res) => res.body.dump())
        .then(
          () => void (performance.now() < deadline && answered++),
          () => void failed++,
        );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
  }
  process.stderr.write(`[load] ${proxy}: all sent, ${inflight.size} unanswered\n`);
  await Promise.all(inflight);
}

await Promise.all(proxies.map(drive));
process.stderr.write(
  `[load] all answered or abandoned: ${sent} sent, ${notSent} not sent (backlog), ${answered} answered in time, ${failed} failed\n`,
);
await agent.close();
process.send?.({ sent, failed, answered, notSent });
process.disconnect?.();
