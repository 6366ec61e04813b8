import { select } from 'd3';
import { captionFor, measuredTime } from '../slowmo/captions';
import type { SlowMotion } from '../slowmo/controller';
import { stationLabel } from '../stack-words';
import { setText } from './text';

const byId = (id: string) => document.getElementById(id)!;

/**
 * The slow-motion panel: the request, the row of stations it visits with the
 * current one lit, the caption of what happens there and its measured time.
 * Text only: paths and routes come from spans.
 */
export function renderSlowMotion(slow: SlowMotion | undefined): void {
  const panel = byId('slowmo');
  // Called every frame: touch the DOM only when something changed.
  if (panel.hidden !== (slow === undefined)) panel.hidden = slow === undefined;
  if (!slow) return;
  const { trace, current, step, stops } = slow;
  select(byId('slowmo-title')).call(
    setText,
    `${trace.method} ${trace.path} · ${trace.target}${trace.worker ? ` · worker ${trace.worker}` : ''}`,
  );
  select(byId('slowmo-step')).call(setText, `hop ${step + 1} of ${stops.length}`);
  select(byId('slowmo-play')).call(setText, slow.playing ? 'Pause' : 'Play');
  const caption = byId('slowmo-caption');
  select(caption).call(setText, captionFor(current, trace));
  if (caption.dataset.station !== current.station) caption.dataset.station = current.station;
  if (caption.dataset.step !== String(step)) caption.dataset.step = String(step);
  select(byId('slowmo-time')).call(setText, measuredTime(current));
  select(byId('slowmo-stops'))
    .selectAll<HTMLLIElement, number>('li')
    .data(stops.map((_, i) => i))
    .join('li')
    .attr('data-testid', 'slowmo-stop')
    .classed('current', (i) => i === step)
    .classed('passed', (i) => i < step)
    .call(setText, (i: number) => {
      const stop = stops[i]!;
      const label = stationLabel(stop.station, trace.stack);
      return stop.returning ? `${label} ↩` : label;
    });
}
