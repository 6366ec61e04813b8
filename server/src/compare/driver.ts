import { build as buildHistogram } from 'hdr-histogram-js';
import { Pool, type Dispatcher } from 'undici';
import type { CompareSpec, LoadProgress, LoadResult, Percentiles } from '@hopscope/shared';
import { Reservoir, seededRandom } from './statistics';

/** Open loop never keeps more than this many requests outstanding; beyond it sends are counted as `client_overload`. */
const MAX_OUTSTANDING = 10_000;

/**
 * The load driver: one undici Pool per run (keep-alive, no retries), closed
 * or open loop, HDR histogram in microseconds. Bounded by duration and count.
 */
export async function runLoad(url: string, spec: CompareSpec, onProgress: (p: LoadProgress) => void = () => {}): Promise<LoadResult> {
  const pool = new Pool(new URL(url).origin, {
    connections: spec.rate ? 256 : spec.concurrency,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const basePath = new URL(url).pathname.replace(/\/$/, '');
  const histogram = buildHistogram({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  const reservoir = new Reservoir(20_000, seededRandom(7));
  const errors: Record<string, number> = {};
  const pickPath = pathPicker(spec);
  const started = performance.now();
  const measureFrom = started + spec.warmupMs;
  const deadline = measureFrom + spec.durationMs;
  const limit = spec.requests ?? Infinity;
  let measured = 0;
  let errorCount = 0;

  const send = async (intendedStart: number): Promise<void> => {
    const status = await exchange(pool, {
      path: basePath + pickPath(),
      method: spec.method as Dispatcher.HttpMethod,
      headers: spec.headers,
      body: spec.body ?? null,
    });
    const failure = typeof status === 'string' ? status : status >= 500 ? `status_${status}` : undefined;
    if (intendedStart < measureFrom) return;
    const ended = performance.now();
    if (ended > deadline + 60_000) return;
    measured++;
    const latencyMs = ended - intendedStart;
    histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
    reservoir.add(latencyMs);
    if (failure) {
      errorCount++;
      errors[failure] = (errors[failure] ?? 0) + 1;
    }
  };

  const progress = setInterval(() => {
    const now = performance.now();
    onProgress({ phase: now < measureFrom ? 'warmup' : 'measure', elapsedMs: now - started, requests: measured, errors: errorCount });
  }, 250);
  try {
    if (spec.rate) await openLoop(spec.rate, deadline, limit, measureFrom, send, errors);
    else await closedLoop(spec.concurrency, deadline, measureFrom, limit, send);
  } finally {
    clearInterval(progress);
    await pool.close().catch(() => {});
  }
  const windowMs = Math.min(performance.now(), deadline) - measureFrom;
  // HDR buckets report a bucket's upper edge; never above the true maximum.
  const max = histogram.maxValue / 1000;
  const micros = (p: number) => Math.min(max, histogram.getValueAtPercentile(p) / 1000);
  return {
    url,
    model: spec.rate ? 'open' : 'closed',
    measuredFrom: performance.timeOrigin + measureFrom,
    measuredTo: performance.timeOrigin + measureFrom + windowMs,
    requests: measured,
    throughput: windowMs > 0 ? measured / (windowMs / 1000) : 0,
    latency: {
      count: measured,
      p50: micros(50),
      p90: micros(90),
      p95: micros(95),
      p99: micros(99),
      p999: micros(99.9),
      max,
      mean: histogram.mean / 1000,
    },
    errors,
    samples: reservoir.values,
  };
}

/** N connections, each sending as soon as its last answer arrived; warm-up requests do not count against `limit`. */
async function closedLoop(
  concurrency: number,
  deadline: number,
  measureFrom: number,
  limit: number,
  send: (intended: number) => Promise<void>,
): Promise<void> {
  let measuredStarted = 0;
  const connection = async () => {
    for (let now = performance.now(); now < deadline && measuredStarted < limit; now = performance.now()) {
      if (now >= measureFrom) measuredStarted++;
      await send(now);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, connection));
}

/**
 * Fixed arrival rate: request i is due at start + i/rate. Its latency counts
 * from that intended time, so a server that stalls cannot hide the requests
 * that should have been sent meanwhile (coordinated omission, as wrk2 corrects it).
 */
function openLoop(
  rate: number,
  deadline: number,
  limit: number,
  measureFrom: number,
  send: (intended: number) => Promise<void>,
  errors: Record<string, number>,
): Promise<void> {
  const interval = 1000 / rate;
  let next = performance.now();
  let outstanding = 0;
  let measuredSent = 0;
  return new Promise((resolve) => {
    const finishWhenDrained = () => {
      if (outstanding === 0) resolve();
    };
    const tick = () => {
      const now = performance.now();
      while (next <= now && next < deadline && measuredSent < limit) {
        const intended = next;
        next += interval;
        if (intended >= measureFrom) measuredSent++;
        if (outstanding >= MAX_OUTSTANDING) {
          errors.client_overload = (errors.client_overload ?? 0) + 1;
          continue;
        }
        outstanding++;
        void send(intended).finally(() => {
          outstanding--;
          if (next >= deadline || measuredSent >= limit) finishWhenDrained();
        });
      }
      if (next < deadline && measuredSent < limit) setTimeout(tick, Math.max(0, next - performance.now()));
      else finishWhenDrained();
    };
    tick();
  });
}

function pathPicker(spec: CompareSpec): () => string {
  const total = spec.paths.reduce((sum, p) => sum + p.weight, 0);
  const random = seededRandom(1);
  if (spec.paths.length === 1) return () => spec.paths[0]!.path;
  return () => {
    let r = random() * total;
    for (const p of spec.paths) {
      r -= p.weight;
      if (r <= 0) return p.path;
    }
    return spec.paths[spec.paths.length - 1]!.path;
  };
}

/**
 * One request on the pool, timed to the last byte of the response without
 * streams or copies (a dispatch handler): resolves with the status, or with
 * the error code when the request failed.
 */
function exchange(pool: Pool, options: Omit<Dispatcher.DispatchOptions, 'origin'>): Promise<number | string> {
  return new Promise((resolve) => {
    let status = 0;
    pool.dispatch(options, {
      onRequestStart: () => {},
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: () => {},
      onResponseEnd: () => resolve(status),
      onResponseError: (_controller, error) => resolve((error as { code?: string }).code ?? 'request_failed'),
    });
  });
}
