import { ATTR_HOPSCOPE_LOOP_BLOCKED_MS, type Call, type Finding, type Hop, type Trace } from '@hopscope/shared';
import { repeatedQueries, sequentialCalls } from './call-findings';

/**
 * Below this, time spent on the event loop between two awaits is the ordinary cost of running
 * Python (hopscope_asgi only counts steps of 10 ms or more in the first place).
 */
export const BLOCKED_LOOP_MIN_MS = 10;

/**
 * The problems one request shows by itself, from its assembled hops and every call it made (the
 * listed ones and those past the cap). Pure, and cheap enough to run whenever the trace is
 * assembled again.
 */
export function findingsOf(trace: Trace, calls: readonly Call[] = trace.calls ?? []): Finding[] {
  const findings: Finding[] = [...repeatedQueries(calls), ...sequentialCalls(calls)];
  const blocked = blockedLoopMs(trace.hops);
  if (blocked !== undefined && blocked >= BLOCKED_LOOP_MIN_MS)
    findings.push({ kind: 'blocked_event_loop', ms: Math.round(blocked * 10) / 10 });
  return findings;
}

/** Sets `trace.findings` when the trace has any (and leaves the field out otherwise). */
export function addFindings(trace: Trace, calls?: readonly Call[]): void {
  const findings = findingsOf(trace, calls);
  if (findings.length > 0) trace.findings = findings;
}

/**
 * How long the request's view held the event loop. The view says it when there is one (an
 * instrumented FastAPI or Starlette app); the gateway's figure, which also counts middleware and
 * serialization, stands in only for an app with no view hop (any ASGI app under the middleware).
 */
function blockedLoopMs(hops: readonly Hop[]): number | undefined {
  const view = hops.find((h) => h.hop === 'view' && h.measured);
  const source = view ?? hops.find((h) => h.hop === 'gateway' && h.measured);
  return toNumber(source?.attributes[ATTR_HOPSCOPE_LOOP_BLOCKED_MS]);
}

function toNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
