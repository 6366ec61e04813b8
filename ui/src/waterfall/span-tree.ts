import type { HopError, Trace, TraceLog, TraceSpan } from '@hopscope/shared';

/** One line of the waterfall's span tree: a span at its depth, or a log record under the span that wrote it. */
export type TreeRow =
  | { kind: 'span'; span: TraceSpan; depth: number; /** Shown under this row: the exception happened here. */ exception?: HopError }
  | { kind: 'log'; log: TraceLog; depth: number };

/** Bound on the rows drawn for one trace (the hub bounds spans per trace; this bounds the DOM whatever it sends). */
export const MAX_TREE_ROWS = 1_000;

type SpanRow = Extract<TreeRow, { kind: 'span' }>;
type Child = { kind: 'span'; span: TraceSpan; time: number } | { kind: 'log'; log: TraceLog; time: number };

/**
 * Every span of a trace nested under its parent, as Jaeger draws it, each
 * level in time order, the app's log records among the children of the span
 * they were written in. A span whose parent is not in the trace (the parent
 * was dropped, or is in another process that exported nothing) is a root.
 * Each distinct exception is placed once, at the deepest span that carries it:
 * where it was raised, not every span it passed through.
 */
export function spanTree(trace: Trace): TreeRow[] {
  const spans = trace.spans ?? [];
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, Child[]>();
  const add = (parent: string | undefined, child: Child) => (children.get(parent) ?? children.set(parent, []).get(parent)!).push(child);
  for (const span of spans) {
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId ? span.parentSpanId : undefined;
    add(parent, { kind: 'span', span, time: span.start });
  }
  for (const log of trace.logs ?? [])
    add(log.spanId !== undefined && ids.has(log.spanId) ? log.spanId : undefined, { kind: 'log', log, time: log.time });
  for (const list of children.values()) list.sort((a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'span' ? -1 : 1));

  const rows: TreeRow[] = [];
  const visited = new Set<string>();
  walk(children.get(undefined) ?? [], children, visited, rows);
  // Spans whose parents loop back to them reach no root: each such loop starts at its earliest span.
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (!visited.has(span.spanId)) walk([{ kind: 'span', span, time: span.start }], children, visited, rows);
  }
  placeExceptions(rows);
  return rows;
}

function walk(roots: Child[], children: Map<string | undefined, Child[]>, visited: Set<string>, rows: TreeRow[]): void {
  // Depth first without recursion: a deep tree from a stranger cannot overflow the stack.
  const stack = roots.map((child) => ({ child, depth: 0 })).reverse();
  while (stack.length > 0 && rows.length < MAX_TREE_ROWS) {
    const { child, depth } = stack.pop()!;
    if (child.kind === 'log') {
      rows.push({ kind: 'log', log: child.log, depth });
      continue;
    }
    if (visited.has(child.span.spanId)) continue;
    visited.add(child.span.spanId);
    rows.push({ kind: 'span', span: child.span, depth });
    const below = children.get(child.span.spanId) ?? [];
    for (let i = below.length - 1; i >= 0; i--) stack.push({ child: below[i]!, depth: depth + 1 });
  }
}

function placeExceptions(rows: TreeRow[]): void {
  const failed = rows.filter((r): r is SpanRow => r.kind === 'span' && r.span.error !== undefined);
  // A bare error type (a 500's `error.type` on the SERVER span) is no exception: boxed only when nothing says more.
  const described = failed.filter((r) => r.span.error!.message !== undefined || r.span.error!.stack !== undefined);
  const deepest = new Map<string, SpanRow>();
  for (const row of described.length > 0 ? described : failed) {
    const key = `${row.span.error!.type}\u0000${row.span.error!.message ?? ''}`;
    const known = deepest.get(key);
    if (!known || row.depth > known.depth) deepest.set(key, row);
  }
  for (const row of deepest.values()) row.exception = row.span.error;
}

/** The time axis shared by the hop bands and the span tree: everything the trace holds fits on it. */
export function timeDomain(trace: Trace): [number, number] {
  let start = trace.start;
  let end = trace.start + (trace.duration ?? 0);
  for (const item of [...trace.hops, ...(trace.spans ?? [])]) {
    start = Math.min(start, item.start);
    end = Math.max(end, item.start + item.duration);
  }
  for (const log of trace.logs ?? []) {
    start = Math.min(start, log.time);
    end = Math.max(end, log.time);
  }
  return [start, Math.max(end, start + 0.001)];
}
