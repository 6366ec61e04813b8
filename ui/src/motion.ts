import type { Trace } from '@hopscope/shared';
import { journeyOf, type Station } from './layout';

/** How long a particle stays at each station it passes, however short the hop (real ms). */
export const DWELL_MS = 50;
/** How long it takes to move along the edge to the next station (real ms). */
export const TRAVEL_MS = 70;
/** A particle further behind its request than this many stations skips the oldest. */
const MAX_BEHIND = 6;
/** A request not drawn for this long is forgotten. */
const FORGET_MS = 3_000;

/** Where to draw a particle: at `from`, or `progress` (0–1) of the way along the edge to `to`. */
export interface Movement {
  from: Station;
  to: Station;
  progress: number;
}

interface Track {
  at: Station;
  /** The stations still to visit, in order. */
  next: Station[];
  /** When the particle arrived at `at` (real ms). */
  since: number;
  seen: number;
  /** Where in the request's journey the last station asked for is. */
  index: number;
  /** Stations already shown: on the way back (response → server → proxy) they are passed without a stop. */
  visited: Set<Station>;
}

/**
 * Particles walk the stations of their request's journey one by one, each
 * shown for DWELL_MS and joined by a TRAVEL_MS move, so a hop of a
 * microsecond (a route match) is still seen, and nothing jumps; stations
 * passed again on the way back are crossed without a stop. A particle
 * never falls more than MAX_BEHIND stations behind its request; going
 * backwards (a replay sought back, a step back) jumps. Pure: times are
 * passed in, no timers, no DOM.
 */
export class ParticleMotion {
  private readonly tracks = new Map<string, Track>();

  follow(trace: Trace, station: Station, now: number): Movement {
    const track = this.tracks.get(trace.traceId);
    if (!track) {
      const index = journeyOf(trace).indexOf(station);
      this.tracks.set(trace.traceId, { at: station, next: [], since: now, seen: now, index, visited: new Set([station]) });
      return { from: station, to: station, progress: 0 };
    }
    track.seen = now;
    const wanted = track.next.at(-1) ?? track.at;
    if (station !== wanted) this.walkTo(track, journeyOf(trace), station, now);
    while (track.next.length > 0 && now - track.since >= DWELL_MS + TRAVEL_MS) {
      track.at = track.next.shift()!;
      track.since += DWELL_MS + TRAVEL_MS;
    }
    const to = track.next[0];
    if (to === undefined) return { from: track.at, to: track.at, progress: 0 };
    return { from: track.at, to, progress: Math.min(1, Math.max(0, (now - track.since - DWELL_MS) / TRAVEL_MS)) };
  }

  /** Forgets requests no longer drawn (bounded memory). */
  sweep(now: number): void {
    for (const [id, track] of this.tracks) if (now - track.seen > FORGET_MS) this.tracks.delete(id);
  }

  get size(): number {
    return this.tracks.size;
  }

  private walkTo(track: Track, journey: readonly Station[], station: Station, now: number): void {
    const wanted = track.next.at(-1) ?? track.at;
    const from = journey[track.index] === wanted ? track.index : journey.indexOf(wanted);
    const index = from < 0 ? -1 : journey.indexOf(station, from + 1);
    if (index < 0) {
      // Backwards, or a station the journey does not know: go there at once.
      Object.assign(track, { at: station, next: [], since: now, index: journey.indexOf(station) });
      return;
    }
    // A particle that sat still for long sets off now, not in the past.
    if (track.next.length === 0) track.since = Math.max(track.since, now - DWELL_MS);
    const path = journey.slice(from + 1, index + 1);
    path.forEach((s, i) => {
      if (i === path.length - 1 || !track.visited.has(s)) track.next.push(s);
      track.visited.add(s);
    });
    track.index = index;
    while (track.next.length > MAX_BEHIND) {
      track.at = track.next.shift()!;
      track.since = now - DWELL_MS;
    }
  }
}
