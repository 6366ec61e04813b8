import { select } from 'd3';
import { isFailedTrace, type Trace } from '@hopscope/shared';
import { setText } from './text';

/** The trace list, newest first: one keyed row per trace, every cell set with `.text()`. */
export function renderTraceList(
  tbody: HTMLTableSectionElement,
  traces: Trace[],
  selected: string | undefined,
  onSelect: (traceId: string) => void,
): void {
  select(tbody)
    .selectAll<HTMLTableRowElement, Trace>('tr')
    .data(traces, (d) => d.traceId)
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
    .order()
    .selectAll<HTMLTableCellElement, string>('td')
    .data((d) => [
      new Date(d.start).toTimeString().slice(0, 8),
      d.target,
      d.method,
      d.path,
      d.route ?? '',
      d.inFlight ? '…' : String(d.status ?? ''),
      d.duration === undefined ? 'in flight' : `${d.duration.toFixed(1)} ms`,
      d.worker ?? '',
      d.error ?? '',
    ])
    .join('td')
    .call(setText, (d: string) => d);
}
