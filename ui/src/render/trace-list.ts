import { select } from 'd3';
import { isFailedTrace, type Trace } from '@hopscope/shared';
import { setText } from './text';

interface Cell {
  text: string;
  /** The duration cell's bar: this share of the longest request listed. */
  bar?: number;
}

/**
 * The trace list: one row per trace, in the order given, every cell set with
 * `.text()`. Rows are joined by position, not by trace: under load the newest
 * requests change on every redraw, and rewriting the text of the same 60 rows
 * costs less than removing and creating rows (and re-laying out the table). The time carries milliseconds (requests a few ms apart must
 * read apart); the duration cell has a bar scaled to the longest request
 * listed, so the slow ones stand out without reading numbers.
 */
export function renderTraceList(
  tbody: HTMLTableSectionElement,
  traces: Trace[],
  selected: string | undefined,
  onSelect: (traceId: string) => void,
): void {
  const longest = Math.max(0.001, ...traces.map((t) => t.duration ?? 0));
  const cells = select(tbody)
    .selectAll<HTMLTableRowElement, Trace>('tr')
    .data(traces)
    .join((enter) =>
      enter
        .append('tr')
        .attr('data-testid', 'trace-row')
        .on('click', (_event, d) => onSelect(d.traceId)),
    )
    .attr('data-trace-id', (d) => d.traceId)
    .classed('failed', isFailedTrace)
    .classed('in-flight', (d) => d.inFlight)
    .classed('selected', (d) => d.traceId === selected)
    .attr('aria-selected', (d) => String(d.traceId === selected))
    .selectAll<HTMLTableCellElement, Cell>('td')
    .data((d): Cell[] => [
      { text: clockWithMs(d.start) },
      { text: d.target },
      { text: d.method },
      { text: d.path },
      { text: d.route ?? '' },
      { text: d.inFlight ? '…' : String(d.status ?? '') },
      d.duration === undefined ? { text: 'in flight' } : { text: `${d.duration.toFixed(1)} ms`, bar: d.duration / longest },
      { text: d.worker ?? '' },
      { text: d.error ?? '' },
    ])
    .join('td')
    .call(setText, (d: Cell) => d.text)
    .classed('with-bar', (d) => d.bar !== undefined)
    .style('--bar', (d) => (d.bar === undefined ? null : `${Math.max(1, Math.round(d.bar * 100))}%`));
  cells.attr('title', (d) => (d.text.length > 12 ? d.text : null));
}

/** "14:03:07.412": 24-hour local time with milliseconds. */
export function clockWithMs(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.toTimeString().slice(0, 8)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
