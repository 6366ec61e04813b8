import type { Trace } from '@hopscope/shared';

export type SortKey = 'time' | 'duration' | 'status';
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

/** Newest first, as the list always was. */
export const DEFAULT_ORDER: SortOrder = { key: 'time', descending: true };

const value: Record<SortKey, (t: Trace) => number> = {
  time: (t) => t.start,
  // A request still in flight is at least as long as the longest finished one so far.
  duration: (t) => t.duration ?? Number.POSITIVE_INFINITY,
  status: (t) => t.status ?? 0,
};

/** The list in the reader's order; ties keep newest first. */
export function sortTraces(traces: readonly Trace[], order: SortOrder): Trace[] {
  const of = value[order.key];
  const sign = order.descending ? -1 : 1;
  return [...traces].sort((a, b) => sign * (of(a) - of(b)) || b.start - a.start);
}

/** A header click: the same column flips its direction, another starts high to low. */
export function nextOrder(current: SortOrder, key: SortKey): SortOrder {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: true };
}

/** ↑ / ↓ from the selected row (or from the top when none is selected). */
export function neighbour(ids: readonly string[], selected: string | undefined, delta: 1 | -1): string | undefined {
  if (ids.length === 0) return undefined;
  const at = selected === undefined ? -1 : ids.indexOf(selected);
  if (at < 0) return ids[delta === 1 ? 0 : ids.length - 1];
  return ids[Math.min(ids.length - 1, Math.max(0, at + delta))];
}

/** `#trace=ID` → ID; anything else → undefined. */
export function traceIdFromHash(hash: string): string | undefined {
  const match = /^#trace=([0-9a-fA-F-]{1,80})$/.exec(hash);
  return match?.[1];
}
