import { runWrk, type WrkResult } from './wrk';

/**
 * Setups measured by wrk in turns (bench/isolation.ts, bench/proxy-overhead.ts):
 * every setup of a step runs once per round, so that a change in the
 * machine's load hits them alike; the summary is the median over the rounds.
 */
export interface Setup {
  label: string;
  url: string;
  /** Served by this process (hub, proxies' thread, an in-process proxy): its CPU time per request is reported. */
  inThisProcess?: boolean;
  /** A running count read before and after each run (e.g. the hub's spans received), reported per request. */
  count?: () => Promise<number>;
}

export interface Summary {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  p99Low: number;
  p99High: number;
  max: number;
  errors: number;
  /** Median CPU time of this process (all its threads) per request, in µs; undefined for setups served elsewhere. */
  cpuMicros?: number;
  /** Median increase of the setup's `count` per request. */
  countPerRequest?: number;
}

export interface TurnOptions {
  connections: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

export async function inTurns(setups: Setup[], options: TurnOptions): Promise<Summary[]> {
  const { connections, rounds, seconds } = options;
  for (const setup of setups) await runWrk(setup.url, { connections, seconds: options.warmupSeconds });
  const runs = new Map<string, (WrkResult & { cpuMicros: number; perRequest: number })[]>(setups.map((s) => [s.label, []]));
  for (let round = 0; round < rounds; round++)
    for (const setup of setups) {
      const counted = await setup.count?.();
      const before = process.cpuUsage();
      const result = await runWrk(setup.url, { connections, seconds });
      const cpu = process.cpuUsage(before);
      const requests = Math.max(1, result.requestsPerSecond * seconds);
      const cpuMicros = (cpu.user + cpu.system) / requests;
      const perRequest = counted === undefined ? NaN : ((await setup.count!()) - counted) / requests;
      runs.get(setup.label)!.push({ ...result, cpuMicros, perRequest });
      console.error(
        `${setup.label} (${connections} connections, round ${round + 1}): ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} / p99 ${result.p99Ms.toFixed(2)} / max ${result.maxMs.toFixed(1)} ms` +
          (setup.inThisProcess ? `, ${cpuMicros.toFixed(0)} µs CPU/request` : ''),
      );
    }
  return setups.map(({ label, inThisProcess, count }) => {
    const list = runs.get(label)!;
    const p99s = list.map((r) => r.p99Ms);
    return {
      label,
      rps: median(list.map((r) => r.requestsPerSecond)),
      p50: median(list.map((r) => r.p50Ms)),
      p99: median(p99s),
      p99Low: Math.min(...p99s),
      p99High: Math.max(...p99s),
      max: Math.max(...list.map((r) => r.maxMs)),
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      ...(inThisProcess ? { cpuMicros: median(list.map((r) => r.cpuMicros)) } : {}),
      ...(count ? { countPerRequest: median(list.map((r) => r.perRequest)) } : {}),
    };
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
