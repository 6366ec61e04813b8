import type { ScaleLinear, Selection } from 'd3';

/**
 * The time ruler over the waterfall's tracks, as DevTools draws one: ticks at
 * round offsets from the request's start, in milliseconds (seconds past 1 s).
 * It sits in the track column, so its ticks line up with the bars below.
 */
export function appendRuler<E extends Element>(parent: Selection<E, unknown, null, undefined>, x: ScaleLinear<number, number>): void {
  const [from, to] = x.domain() as [number, number];
  const ruler = parent.append('div').attr('class', 'wf-ruler').attr('data-testid', 'waterfall-ruler');
  ruler.append('span');
  const track = ruler.append('span').attr('class', 'wf-ruler-track');
  ruler.append('span');
  const step = niceStep((to - from) / 4);
  // No tick in the last stretch: its label would run past the track's end.
  for (let offset = 0; x(from + offset) <= 88; offset += step) {
    track
      .append('span')
      .attr('class', 'wf-tick')
      .style('left', `${x(from + offset)}%`)
      .text(offsetLabel(offset));
  }
}

/** "+12.5 ms", "+1.20 s": an offset from the request's start. */
export function offsetLabel(ms: number): string {
  if (ms >= 1000) return `+${(ms / 1000).toFixed(2)} s`;
  return `+${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** 1, 2 or 5 times a power of ten: ticks a reader can add up. */
export function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}
