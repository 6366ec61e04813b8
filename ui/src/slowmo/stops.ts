import type { Hop, HopName, Trace } from '@hopscope/shared';
import { hopEnd, stationAt } from '../layout';

export type Station = HopName | 'queue' | 'done';

/** One step of slow motion: where the request is, from when to when (virtual epoch ms). */
export interface Stop {
  station: Station;
  from: number;
  to: number;
  /** The hop measured (or derived) for this station, when there is one. */
  hop?: Hop;
  /** True when the request passes this station a second time (the response on its way back). */
  returning: boolean;
}

/** Stretches shorter than this share of the whole request are not a step of their own. */
const MIN_SHARE = 0.002;

/**
 * The stations one request visits, in order, exactly as the diagram draws it:
 * the trace's timeline is cut at every hop boundary and each piece takes the
 * station `stationAt` gives (the innermost running hop), so a step in slow
 * motion always moves the particle by one station. Brief returns (a sub-0.2%
 * gap in the WSGI server between route and view) are folded into their
 * neighbours.
 */
export function stopsOf(trace: Trace): Stop[] {
  const end = trace.start + (trace.duration ?? Math.max(0, ...trace.hops.map((h) => h.start + h.duration - trace.start)));
  const cuts = [...new Set([trace.start, end, ...trace.hops.flatMap((h) => [h.start, hopEnd(h)])])]
    .filter((t) => t >= trace.start && t <= end)
    .sort((a, b) => a - b);
  const minimum = Math.max(0.001, (end - trace.start) * MIN_SHARE);
  const pieces: Array<{ station: Station; from: number; to: number }> = [];
  const visited = new Set<Station>();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const station = stationAt(trace, (from + to) / 2);
    if (!station) continue;
    const last = pieces.at(-1);
    // A first visit is always a step, however short (the WSGI server's accept); a brief return is not.
    if (last && (last.station === station || (to - from < minimum && visited.has(station)))) last.to = to;
    else pieces.push({ station, from, to });
    visited.add(station);
  }
  // Folding slivers can leave two neighbours on the same station: merge them.
  const merged: typeof pieces = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && last.station === piece.station) last.to = piece.to;
    else merged.push({ ...piece });
  }
  const seen = new Set<Station>();
  const stops: Stop[] = merged.map((piece) => {
    const stop: Stop = { ...piece, hop: hopFor(trace, piece.station), returning: seen.has(piece.station) };
    seen.add(piece.station);
    return stop;
  });
  stops.push({ station: 'done', from: end, to: end, returning: false });
  return stops;
}

function hopFor(trace: Trace, station: Station): Hop | undefined {
  if (station === 'done') return undefined;
  return trace.hops.find((h) => h.hop === station) ?? (station === 'queue' ? trace.hops.find((h) => h.hop === 'server') : undefined);
}

/** The virtual time slow motion shows for a step: its middle, where the diagram certainly draws that station. */
export function stopTime(stop: Stop): number {
  return stop.station === 'done' ? stop.to + 1 : (stop.from + stop.to) / 2;
}

/** The step showing at virtual time `at` (the last one started). */
export function stopIndexAt(stops: readonly Stop[], at: number): number {
  let index = 0;
  for (let i = 0; i < stops.length; i++) if (stops[i]!.from <= at) index = i;
  return index;
}
