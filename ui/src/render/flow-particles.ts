import type { Selection } from 'd3';
import type { Trace } from '@hopscope/shared';
import { placeOf, type ParticlePlace, type RowGeometry, type Station } from '../layout';
import type { ParticleMotion } from '../motion';

export interface DrawnParticle extends ParticlePlace {
  /** The station the particle is drawn at (it walks its request's stations; `station` is where the request is). */
  shown: Station;
  finding: boolean;
}

/**
 * Where each particle is drawn this frame: with `motion`, walking the edges
 * between the stations its request passed (each seen for a moment); without
 * (slow motion steps), exactly at its request's station.
 */
export function moveParticles(
  places: readonly ParticlePlace[],
  byId: ReadonlyMap<string, Trace>,
  geometry: RowGeometry,
  motion: ParticleMotion | undefined,
  now: number,
): DrawnParticle[] {
  return places.map((place) => {
    const trace = byId.get(place.traceId)!;
    const finding = trace.findings?.some((f) => f.kind === 'repeated_query' || f.kind === 'sequential_calls') ?? false;
    if (!motion) return { ...place, shown: place.station, finding };
    const move = motion.follow(trace, place.station, now);
    const at = (station: Station) => (station === place.station ? place : (placeOf(station, trace, 0, geometry) ?? place));
    const from = at(move.from);
    const to = at(move.to);
    const t = easeInOut(move.progress);
    return {
      ...place,
      x: from.x + (to.x - from.x) * t,
      y: from.y + (to.y - from.y) * t,
      shown: move.progress < 0.5 ? move.from : move.to,
      finding,
    };
  });
}

const easeInOut = (t: number) => (t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2);

/**
 * State is never told by hue alone: a request on its way is a circle, one
 * waiting in line a diamond, a failed one a triangle (and red), one whose app
 * has not reported yet an outline; a request with a finding (an N+1) wears a ring.
 */
export function particleShape(p: DrawnParticle, r: number): string {
  if (p.failed) return `M0,${-1.25 * r}L${1.15 * r},${0.85 * r}L${-1.15 * r},${0.85 * r}Z`;
  if (p.shown === 'queue') return `M0,${-1.2 * r}L${1.2 * r},0L0,${1.2 * r}L${-1.2 * r},0Z`;
  return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
}

/** The transform each particle was last given: reading `style.transform` back serializes CSS, every particle, every frame. */
const placed = new WeakMap<Element, string>();

export function drawParticles(
  group: Selection<SVGGElement, unknown, null, undefined>,
  particles: DrawnParticle[],
  radius: number,
  followed: string | undefined,
  onFollow: (traceId: string) => void,
): void {
  group
    .selectAll<SVGPathElement, DrawnParticle>('path.particle')
    .data(particles, (d) => d.traceId)
    .join((enter) =>
      enter
        .append('path')
        .attr('class', 'particle')
        .attr('data-testid', 'particle')
        .attr('data-trace-id', (d) => d.traceId)
        .on('click', (_event, d) => onFollow(d.traceId)),
    )
    .each(function (d) {
      if (this.dataset.station !== d.shown) this.dataset.station = d.shown;
      const shape = particleShape(d, radius);
      if (this.getAttribute('d') !== shape) this.setAttribute('d', shape);
      const transform = `translate(${d.x.toFixed(1)}px, ${d.y.toFixed(1)}px)`;
      if (placed.get(this) !== transform) {
        this.style.transform = transform;
        placed.set(this, transform);
      }
    })
    .classed('failed', (d) => d.failed)
    .classed('finding', (d) => d.finding)
    .classed('done', (d) => d.shown === 'done')
    .classed('dimmed', (d) => followed !== undefined && d.traceId !== followed);
}
