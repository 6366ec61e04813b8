import { scaleLinear, select, type ScaleLinear } from 'd3';
import type { Hop, Trace } from '@hopscope/shared';
import { stationLabel } from '../stack-words';
import { hopDuration } from '../waterfall/format';
import { spanTree, timeDomain } from '../waterfall/span-tree';
import { appendException } from './exception-box';
import { appendCalls } from './waterfall-calls';
import { appendRuler, offsetLabel } from './waterfall-ruler';
import { renderSpanTree } from './waterfall-spans';

/**
 * The waterfall of one trace: hopscope's hop bands on top (measured hops
 * solid, derived and synthesized ones hatched, imprecise ones marked ±1 ms),
 * then every span of the trace as a tree, as Jaeger draws it, with the app's
 * log records and each exception where it happened, then the attributes — all
 * as text, since all of it comes from spans. Drawn only when the trace shown
 * changes, never per frame.
 */
export function renderWaterfall(container: HTMLElement, trace: Trace | undefined): void {
  const root = select(container);
  root.selectAll('*').remove();
  if (!trace) {
    root.append('p').attr('class', 'hint').text('Click a request in the list, or a moving dot in the diagram, to see its waterfall.');
    return;
  }
  root
    .append('h3')
    .text(
      `${trace.method} ${trace.path} → ${trace.inFlight ? 'in flight' : (trace.status ?? '')} · ${trace.target}${trace.worker ? ` · worker ${trace.worker}` : ''}`,
    );
  const x = scaleLinear().domain(timeDomain(trace)).range([0, 100]);
  appendRuler(root, x);
  renderHops(root.append('div').attr('class', 'waterfall-rows'), trace, x);

  const rows = spanTree(trace);
  if (rows.length > 0) {
    appendCalls(root, trace);
    renderSpanTree(root.append('div').attr('class', 'span-tree').attr('data-testid', 'span-tree'), rows, trace, x);
  } else {
    // No span tree (an older recording): the exception goes under the hops, at the hop that failed.
    const failed = trace.hops.find((h) => h.error);
    if (failed?.error) appendException(root, failed.error, `in ${stationLabel(failed.hop, trace.stack)}`);
    appendCalls(root, trace);
  }
  renderAttributes(root, trace);
}

function renderHops(group: ReturnType<typeof select<HTMLDivElement, unknown>>, trace: Trace, x: ScaleLinear<number, number>): void {
  const rows = group
    .selectAll<HTMLDivElement, Hop>('div.hop')
    .data(trace.hops)
    .join('div')
    .attr('class', (d) => `hop ${d.source}${d.error ? ' failed' : ''}${d.imprecise ? ' imprecise' : ''}`)
    .attr('data-testid', 'waterfall-hop')
    .attr('data-hop', (d) => d.hop);
  rows
    .append('span')
    .attr('class', 'hop-name')
    .text((d) => stationLabel(d.hop, trace.stack));
  rows
    .append('span')
    .attr('class', 'hop-track')
    .append('span')
    .attr('class', 'hop-bar')
    .style('left', (d) => `${x(d.start)}%`)
    .style('width', (d) => `${Math.max(0.4, x(d.start + d.duration) - x(d.start))}%`);
  const zero = x.domain()[0]!;
  rows
    .append('span')
    .attr('class', 'hop-offset')
    .attr('title', 'when it started, from the start of the request')
    .text((d) => offsetLabel(Math.max(0, d.start - zero)));
  rows
    .append('span')
    .attr('class', 'hop-duration')
    .attr('title', (d) => (d.imprecise ? 'derived from whole-millisecond timestamps: good to ±1 ms' : null))
    .text((d) => hopDuration(d));
}

function renderAttributes(root: ReturnType<typeof select<HTMLElement, unknown>>, trace: Trace): void {
  const attributes = root.append('details').attr('class', 'attributes');
  attributes.append('summary').text('Attributes');
  const table = attributes.append('table');
  const owners: Array<{ label: string; attributes: Record<string, unknown> }> = trace.spans
    ? trace.spans.map((s) => ({ label: s.hop ? `${s.hop}: ${s.name}` : s.name, attributes: s.attributes }))
    : trace.hops.map((h) => ({ label: h.hop, attributes: h.attributes }));
  for (const owner of owners) {
    for (const [key, value] of Object.entries(owner.attributes)) {
      const tr = table.append('tr');
      tr.append('td').text(owner.label);
      tr.append('td').text(key);
      tr.append('td').text(String(value));
    }
  }
}
