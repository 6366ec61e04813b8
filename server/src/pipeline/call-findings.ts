import type { Call, Finding, HopName } from '@hopscope/shared';

/** The same statement this many times in one request is an N+1: a query per row of an earlier one. */
export const REPEATED_QUERY_MIN = 5;

/**
 * `repeated_query`: a normalised statement run at least REPEATED_QUERY_MIN
 * times in one request (the N+1 pattern: one query for a list, one more per
 * item). Most repeated first.
 */
export function repeatedQueries(calls: readonly Call[]): Finding[] {
  const byStatement = new Map<string, { count: number; totalMs: number }>();
  for (const call of calls) {
    if (call.statement === undefined || (call.kind !== 'db' && call.kind !== 'cache')) continue;
    const seen = byStatement.get(call.statement) ?? byStatement.set(call.statement, { count: 0, totalMs: 0 }).get(call.statement)!;
    seen.count++;
    seen.totalMs += call.duration;
  }
  const findings: Finding[] = [];
  for (const [statement, { count, totalMs }] of byStatement) {
    if (count >= REPEATED_QUERY_MIN) findings.push({ kind: 'repeated_query', statement, count, totalMs: tenth(totalMs) });
  }
  return findings.sort((a, b) => (b as { count: number }).count - (a as { count: number }).count);
}

/**
 * `sequential_calls`: HTTP calls one hop made one after another, none of
 * them overlapping any other call of that hop in time. Had they run in
 * parallel the hop would have waited for the longest alone: `savedMs` is
 * the total less the longest. (Whether one needed the other's answer is the
 * app's to say; the finding says they could have, by their timing.)
 */
export function sequentialCalls(calls: readonly Call[]): Finding[] {
  const byHop = new Map<HopName | undefined, Call[]>();
  for (const call of calls) {
    if (call.kind !== 'http') continue;
    const list = byHop.get(call.hop) ?? byHop.set(call.hop, []).get(call.hop)!;
    list.push(call);
  }
  const findings: Finding[] = [];
  for (const list of byHop.values()) {
    const alone = list.filter((call) => !list.some((other) => other !== call && overlap(call, other)));
    if (alone.length < 2) continue;
    const totalMs = alone.reduce((sum, c) => sum + c.duration, 0);
    const longest = Math.max(...alone.map((c) => c.duration));
    const targets = [...new Set(alone.map((c) => c.target ?? c.name))];
    findings.push({ kind: 'sequential_calls', count: alone.length, totalMs: tenth(totalMs), savedMs: tenth(totalMs - longest), targets });
  }
  return findings;
}

/** Two calls overlap when each started before the other ended (touching ends do not: one waited for the other). */
function overlap(a: Call, b: Call): boolean {
  return a.start < b.start + b.duration && b.start < a.start + a.duration;
}

function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}
