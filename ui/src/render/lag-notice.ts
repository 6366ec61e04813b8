import { select } from 'd3';
import { noticeText, type LagNotice } from '../live-delay';

/**
 * The header's line about apps whose spans arrive late: how late, the
 * setting that fixes it, and how far behind live their row is drawn. Text
 * only: target names come from the command line or from spans.
 */
export function renderLagNotice(container: HTMLElement, notices: LagNotice[]): void {
  container.hidden = notices.length === 0;
  select(container)
    .selectAll<HTMLSpanElement, LagNotice>('span.lag')
    .data(notices, (d) => d.target)
    .join('span')
    .attr('class', 'lag')
    .attr('data-target', (d) => d.target)
    .each(function (d) {
      const text = noticeText(d);
      if (this.textContent !== text) this.textContent = text;
    });
}
