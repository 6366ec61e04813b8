import type { ScaleLinear, Selection } from 'd3';
import type { Trace } from '@hopscope/shared';
import { stationLabel } from '../stack-words';
import type { TreeRow } from '../waterfall/span-tree';
import { appendException } from './exception-box';

/** Indentation stops growing here, so a deep tree keeps room for names in the side panel. */
const MAX_INDENT = 10;

/**
 * The span tree under the hop bands: one row per span at its depth, hop spans
 * highlighted and tagged with their station, the others (middleware,
 * templates, anything the mapping did not place) plain; a log record as a
 * tick at its time with its severity; the exception under the span where it
 * was raised. Text only.
 */
export function renderSpanTree(
  group: Selection<HTMLDivElement, unknown, null, undefined>,
  rows: TreeRow[],
  trace: Trace,
  x: ScaleLinear<number, number>,
): void {
  group.append('h4').text(`Spans (${trace.spans?.length ?? 0})${trace.logs?.length ? ` and logs (${trace.logs.length})` : ''}`);
  const zero = x.domain()[0]!;
  for (const row of rows) {
    const line = group
      .append('div')
      .style('--depth', String(Math.min(row.depth, MAX_INDENT)))
      .attr('data-depth', row.depth);
    if (row.kind === 'log') {
      const severity = row.log.severity.toUpperCase();
      line
        .attr('class', `tree-row log-row severity-${severity.replace(/[^A-Z]/g, '').toLowerCase() || 'unknown'}`)
        .attr('data-testid', 'waterfall-log')
        .attr('data-severity', severity);
      const name = line.append('span').attr('class', 'tree-name').attr('title', row.log.body);
      name.append('span').attr('class', 'severity').text(severity);
      name.append('span').attr('class', 'log-body').text(` ${row.log.body}`);
      line
        .append('span')
        .attr('class', 'hop-track')
        .append('span')
        .attr('class', 'log-tick')
        .style('left', `${x(row.log.time)}%`);
      line
        .append('span')
        .attr('class', 'hop-duration')
        .text(`at +${(row.log.time - zero).toFixed(1)} ms`);
      continue;
    }
    const { span } = row;
    const failed = span.status === 'error' || span.error !== undefined;
    line
      .attr('class', `tree-row span-row${span.hop ? ' hop-span' : ''}${failed ? ' failed' : ''}`)
      .attr('data-testid', 'waterfall-span')
      .attr('data-span-id', span.spanId)
      .attr('data-hop', span.hop ?? null);
    const name = line
      .append('span')
      .attr('class', 'tree-name')
      .attr('title', [span.name, span.kind, span.service, span.scope].filter(Boolean).join(' · '));
    if (span.hop) name.append('span').attr('class', 'hop-tag').text(stationLabel(span.hop, trace.stack));
    name.append('span').attr('class', 'span-name').text(span.name);
    line
      .append('span')
      .attr('class', 'hop-track')
      .append('span')
      .attr('class', 'hop-bar')
      .style('left', `${x(span.start)}%`)
      .style('width', `${Math.max(0.4, x(span.start + span.duration) - x(span.start))}%`);
    line
      .append('span')
      .attr('class', 'hop-duration')
      .text(`${span.duration.toFixed(2)} ms${span.inFlight ? ' …' : ''}`);
    if (row.exception) {
      const where = span.hop ? `in ${span.name} · ${stationLabel(span.hop, trace.stack)}` : `in ${span.name}`;
      // Indented as the span's first child: it happened inside this span.
      appendException(group, row.exception, where).style('--depth', String(Math.min(row.depth + 1, MAX_INDENT)));
    }
  }
}
