import { hopOrder, type Call, type Hop, type HopName, type Trace } from '@hopscope/shared';
import { callStation, isCallStation, journeyCuts, stationAt, traceEnd, type Station } from '../layout';

export type { Station };

/** One step of slow motion: where the request is, from when to when (virtual epoch ms). */
export interface Stop {
  station: Station;
  from: number;
  to: number;
  /** A moment inside [from, to) at which the diagram draws the request at `station`. */
  at: number;
  /** The hop measured (or derived) for this station, when there is one. */
  hop?: Hop;
  /** True when the request passes this station a second time (the response on its way back). */
  returning: boolean;
  /** At a call station (Database, HTTP out, Cache): the calls of that kind made during the step. */
  calls?: Call[];
}

interface Piece {
  station: Station;
  from: number;
  to: number;
  /** The longest stretch really drawn at `station` (folding adds time drawn elsewhere). */
  own: { from: number; to: number };
}

/** Brief returns shorter than this share of the whole request are not a step of their own. */
const MIN_SHARE = 0.002;

/**
 * The stations one request visits, in order, exactly as the diagram draws it:
 * the trace's timeline is cut at every hop boundary and each piece takes the
 * station `stationAt` gives (the innermost running hop), so a step in slow
 * motion always moves the particle by one station. Every first visit is a
 * step, however short (a route match in microseconds); the request's brief
 * returns to the WSGI server between route, view and response are folded
 * into their neighbours, and the way back after the deepest station is kept.
 */
export function stopsOf(trace: Trace): Stop[] {
  const end = traceEnd(trace);
  const pieces = foldReturns(timeline(trace, end), (end - trace.start) * MIN_SHARE);
  const seen = new Set<Station>();
  const stops: Stop[] = pieces.map((piece) => {
    const stop: Stop = {
      station: piece.station,
      from: piece.from,
      to: piece.to,
      at: (piece.own.from + piece.own.to) / 2,
      hop: hopFor(trace, piece.station),
      returning: seen.has(piece.station),
    };
    if (isCallStation(piece.station)) stop.calls = callsDuring(trace, piece);
    seen.add(piece.station);
    return stop;
  });
  stops.push({ station: 'done', from: end, to: end, at: end + 1, returning: false });
  return stops;
}

/** The trace cut at every hop and call boundary, each piece with its station, neighbours on one station merged. */
function timeline(trace: Trace, end: number): Piece[] {
  const cuts = journeyCuts(trace, end);
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const station = stationAt(trace, (from + to) / 2);
    if (!station) continue;
    const last = pieces.at(-1);
    if (last?.station === station) extend(last, { station, from, to, own: { from, to } });
    else pieces.push({ station, from, to, own: { from, to } });
  }
  return pieces;
}

function foldReturns(pieces: Piece[], minimum: number): Piece[] {
  const deepest = Math.max(...pieces.map((p) => depthOf(p.station)));
  const pivot = pieces.findLastIndex((p) => p.station !== 'queue' && p.station !== 'unreported' && depthOf(p.station) === deepest);
  const visited = new Set<Station>();
  const kept: Piece[] = [];
  pieces.forEach((piece, i) => {
    const last = kept.at(-1);
    const isReturn = visited.has(piece.station);
    visited.add(piece.station);
    if (last && (last.station === piece.station || (isReturn && (i < pivot || piece.to - piece.from < minimum)))) extend(last, piece);
    else kept.push({ ...piece, own: { ...piece.own } });
  });
  return kept;
}

/**
 * How deep in the journey a station is; the waiting line and an unreported
 * app count as the server, a call as just past the view (the view's returns
 * between ten queries fold into one Database step).
 */
function depthOf(station: Station): number {
  if (isCallStation(station)) return hopOrder('view') + 0.5;
  return station === 'queue' || station === 'unreported' ? hopOrder('server') : hopOrder(station as HopName);
}

function extend(into: Piece, piece: Piece): void {
  into.to = piece.to;
  if (into.station === piece.station && piece.own.to - piece.own.from > into.own.to - into.own.from) into.own = { ...piece.own };
}

function callsDuring(trace: Trace, piece: Piece): Call[] {
  return (trace.calls ?? []).filter((c) => callStation(c) === piece.station && c.start >= piece.from && c.start < piece.to);
}

function hopFor(trace: Trace, station: Station): Hop | undefined {
  if (station === 'done' || isCallStation(station)) return undefined;
  if (station === 'unreported') return trace.hops.find((h) => h.hop === 'server');
  return trace.hops.find((h) => h.hop === station) ?? (station === 'queue' ? trace.hops.find((h) => h.hop === 'server') : undefined);
}

/** The virtual time slow motion shows for a step. */
export function stopTime(stop: Stop): number {
  return stop.at;
}
