import { randomBytes } from 'node:crypto';
import type { LiveMessage, TargetInfo, Trace } from '@hopscope/shared';
import { burst } from './burst';
import type { Scenario, ScenarioAction } from './talk';

export interface ScenarioHub {
  announce(message: LiveMessage): void;
  store: { get(traceId: string): Trace | undefined };
}

export interface ScenarioOptions {
  hub: ScenarioHub;
  targets: readonly TargetInfo[];
  /** Multiplies every duration (tests run the talk in a second or two). Default 1. */
  timeScale?: number;
  /** Each step as it starts (the CLI prints it). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The focused request's trace must be complete before the dashboard can play it; give up after this. */
const FOCUS_WAIT_MS = 10_000;

/** Plays a scenario once: for each step, its traffic, then its caption on /api/live, then its hold time. */
export async function runScenario(scenario: Scenario, options: ScenarioOptions): Promise<void> {
  const scale = options.timeScale ?? 1;
  const signal = options.signal ?? new AbortController().signal;
  const steps = scenario.steps.length;
  for (const [index, step] of scenario.steps.entries()) {
    if (signal.aborted) return;
    const message: Extract<LiveMessage, { type: 'scenario' }> = { type: 'scenario', step: index + 1, steps, caption: step.caption };
    if (index === steps - 1) message.done = true;
    const holdUntil = performance.now() + step.durationMs * scale;
    const announce = () => {
      options.log?.(`[${index + 1}/${steps}] ${step.caption}`);
      options.hub.announce(message);
    };
    if (step.action.kind === 'focus') {
      const traceId = await focusRequest(step.action, options, signal);
      if (traceId) {
        message.focusTraceId = traceId;
        message.rate = step.action.rate;
      }
      announce();
      await pause(holdUntil - performance.now(), signal);
    } else if (step.action.kind === 'burst') {
      announce();
      const { path, concurrency, maxRequests } = step.action;
      await Promise.all(
        step.action.targets.map((name) => burst(proxyOf(options.targets, name) + path, concurrency, maxRequests, holdUntil, signal)),
      );
    } else announce();
  }
}

/** Sends the one request with a traceparent we mint, and waits until its trace is complete in the store. */
async function focusRequest(
  action: Extract<ScenarioAction, { kind: 'focus' }>,
  options: ScenarioOptions,
  signal: AbortSignal,
): Promise<string | undefined> {
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  try {
    const res = await fetch(proxyOf(options.targets, action.target) + action.path, { headers: { traceparent }, signal });
    await res.arrayBuffer();
  } catch {
    return undefined;
  }
  const deadline = performance.now() + FOCUS_WAIT_MS;
  while (performance.now() < deadline && !signal.aborted) {
    const trace = options.hub.store.get(traceId);
    // The app's spans arrive over OTLP after the proxy's (until then its hops are only synthesized
    // from Server-Timing): wait for the measured gateway hop.
    if (trace && !trace.inFlight && trace.hops.some((h) => h.hop === 'gateway' && h.measured)) return traceId;
    await pause(50, signal);
  }
  return options.hub.store.get(traceId) ? traceId : undefined;
}

function proxyOf(targets: readonly TargetInfo[], name: string): string {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`The scenario needs a target named "${name}" (the built-in demo's)`);
  return target.proxy;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
