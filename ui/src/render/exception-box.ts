import type { Selection } from 'd3';
import type { HopError } from '@hopscope/shared';
import { exceptionFrames } from '../waterfall/frames';

/**
 * An exception as the app's SDK reported it: type and message, where it
 * happened, and its stack one frame per line, innermost first. Text only:
 * messages and stacks come from strangers.
 */
export function appendException<E extends Element>(
  parent: Selection<E, unknown, null, undefined>,
  error: HopError,
  where: string,
): Selection<HTMLDivElement, unknown, null, undefined> {
  const box = parent.append('div').attr('class', 'exception').attr('data-testid', 'exception');
  box
    .append('strong')
    .attr('data-testid', 'exception-title')
    .text(`${error.type}${error.message ? `: ${error.message}` : ''}`);
  box.append('span').attr('class', 'exception-where').text(` (${where})`);
  if (!error.stack) return box;
  const frames = exceptionFrames(error.stack);
  if (frames.length === 0) return box;
  box.append('div').attr('class', 'frames-caption').text('stack, innermost frame first:');
  box
    .append('ol')
    .attr('class', 'frames')
    .attr('data-testid', 'exception-frames')
    .selectAll('li')
    .data(frames)
    .join('li')
    .text((d) => d);
  return box;
}
