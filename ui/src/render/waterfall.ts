import { scaleLinear, select } from 'd3';
import type { Hop, Trace } from '@hopscope/shared';
import { STATION_LABELS } from '../layout';

/**
 * The waterfall of one trace: its hops as bars on a time axis, measured hops
 * solid, derived and synthesized ones hatched, then the attributes and the
 * exception with its stack — all as text, since all of it comes from spans.
 */
export function renderWaterfall(container: HTMLElement, trace: Trace | undefined): void {
  const root = select(container);
  root.selectAll('*').remove();
  if (!trace) {
    root.append('p').attr('class', 'hint').text('Click a request in the list to see its waterfall.');
    return;
  }
  root
    .append('h3')
    .text(
      `${trace.method} ${trace.path} → ${trace.inFlight ? 'in flight' : (trace.status ?? '')} · ${trace.target}${trace.worker ? ` · worker ${trace.worker}` : ''}`,
    );
  const end = Math.max(...trace.hops.map((h) => h.start + h.duration), trace.start + (trace.duration ?? 0));
  const x = scaleLinear()
    .domain([trace.start, Math.max(end, trace.start + 0.001)])
    .range([0, 100]);
  const rows = root
    .append('div')
    .attr('class', 'waterfall-rows')
    .selectAll<HTMLDivElement, Hop>('div.hop')
    .data(trace.hops)
    .join('div')
    .attr('class', (d) => `hop ${d.source}${d.error ? ' failed' : ''}`)
    .attr('data-testid', 'waterfall-hop')
    .attr('data-hop', (d) => d.hop);
  rows
    .append('span')
    .attr('class', 'hop-name')
    .text((d) => `${STATION_LABELS[d.hop] ?? d.hop}${d.hop === 'queue' ? ' (waiting)' : ''}`);
  rows
    .append('span')
    .attr('class', 'hop-track')
    .append('span')
    .attr('class', 'hop-bar')
    .style('left', (d) => `${x(d.start)}%`)
    .style('width', (d) => `${Math.max(0.4, x(d.start + d.duration) - x(d.start))}%`);
  rows
    .append('span')
    .attr('class', 'hop-duration')
    .text((d) => `${d.duration.toFixed(2)} ms${d.measured ? '' : ` (${d.source})`}`);

  const failed = trace.hops.find((h) => h.error);
  if (failed?.error) {
    const box = root.append('div').attr('class', 'exception').attr('data-testid', 'exception');
    box.append('strong').text(`${failed.error.type}${failed.error.message ? `: ${failed.error.message}` : ''} (in ${failed.hop})`);
    if (failed.error.stack) box.append('pre').text(failed.error.stack);
  }
  const attributes = root.append('details').attr('class', 'attributes');
  attributes.append('summary').text('Attributes');
  const table = attributes.append('table');
  for (const hop of trace.hops) {
    for (const [key, value] of Object.entries(hop.attributes)) {
      const tr = table.append('tr');
      tr.append('td').text(hop.hop);
      tr.append('td').text(key);
      tr.append('td').text(String(value));
    }
  }
}
