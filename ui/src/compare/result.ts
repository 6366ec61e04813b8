import { axisBottom, axisLeft, line, scaleLinear, scaleLog, select } from 'd3';
import { enoughSamples, type CompareRunAnswer, type HopName } from '@hopscope/shared';

const COLORS = ['var(--accent)', 'var(--queue)', 'var(--particle)', 'var(--fail)'];
const HOP_COLUMNS: HopName[] = ['queue', 'gateway', 'route', 'view', 'response'];

/**
 * One run's result: the sentences, the tables `hopscope compare` prints (the
 * percentiles, then each hop's p50 / p99 and each worker's requests), and the
 * overlaid latency histograms with each legend label in its curve's colour.
 */
export function renderCompareResult(container: HTMLElement, run: CompareRunAnswer): void {
  const root = select(container);
  root.selectAll('*').remove();
  for (const comparison of run.comparisons)
    root.append('p').attr('class', 'compare-sentence').attr('data-testid', 'compare-sentence').text(comparison.sentence);
  for (const warning of run.warnings) root.append('p').attr('class', 'compare-warning').text(`warning: ${warning}`);
  appendTable(
    root,
    'compare-table',
    'compare-table',
    ['target', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors', 'waiting for a worker'],
    run,
    (r) => [
      r.target,
      r.throughput.toFixed(1),
      ...(['p50', 'p90', 'p99', 'p999', 'max'] as const).map((k) =>
        (k === 'p999' || k === 'max') && !enoughSamples(k, r.latency.count) ? '–' : `${r.latency[k].toFixed(1)} ms`,
      ),
      String(Object.values(r.errors).reduce((a, b) => a + b, 0)),
      r.tracedRequests > 0 ? `${(r.queueShare * 100).toFixed(0)}%` : '–',
    ],
  );
  appendHopTable(root, run);

  const width = 640;
  const height = 200;
  const margin = { left: 44, right: 12, top: 10, bottom: 30 };
  const all = run.results.flatMap((r) => r.histogram);
  if (all.length === 0) return;
  const x = scaleLog()
    .domain([Math.min(...all.map((b) => b.le)), Math.max(...all.map((b) => b.le))])
    .range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain([0, Math.max(...all.map((b) => b.share))])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const svg = root
    .append('svg')
    .attr('class', 'compare-histogram')
    .attr('data-testid', 'compare-histogram')
    .attr('viewBox', `0 0 ${width} ${height}`);
  svg
    .append('g')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(axisBottom(x).ticks(6, '~s'));
  svg.append('g').attr('transform', `translate(${margin.left},0)`).call(axisLeft(y).ticks(4, '%'));
  svg
    .append('text')
    .attr('x', width / 2)
    .attr('y', height - 2)
    .attr('text-anchor', 'middle')
    .attr('class', 'axis-label')
    .text('latency (ms, log scale)');
  const path = line<{ le: number; share: number }>()
    .x((d) => x(d.le))
    .y((d) => y(d.share));
  run.results.forEach((r, i) => {
    svg
      .append('path')
      .attr('class', 'histogram-line')
      .attr('data-target', r.target)
      .attr('d', path(r.histogram))
      .attr('fill', 'none')
      .attr('stroke', COLORS[i % COLORS.length]!)
      .attr('stroke-width', 2);
    // An inline style: the stylesheet colours the histogram's text, and the legend must match its curve.
    svg
      .append('text')
      .attr('class', 'histogram-legend')
      .attr('data-testid', 'compare-legend')
      .attr('x', width - margin.right - 4)
      .attr('y', margin.top + 14 * (i + 1))
      .attr('text-anchor', 'end')
      .style('fill', COLORS[i % COLORS.length]!)
      .style('font-weight', '700')
      .text(`━ ${r.target}`);
  });
}

/** Per hop p50 / p99 (ms) and each worker's requests, as `hopscope compare` prints them. */
function appendHopTable(root: ReturnType<typeof select<HTMLElement, unknown>>, run: CompareRunAnswer): void {
  if (!run.results.some((r) => r.tracedRequests > 0)) {
    root.append('p').attr('class', 'hint').text('No per-hop times: these targets were not traced by this hub.');
    return;
  }
  const ms = (v: number) => v.toFixed(1);
  appendTable(
    root,
    'compare-table compare-hops',
    'compare-hops',
    ['target', ...HOP_COLUMNS.map((h) => `${h} p50 / p99 ms`), 'workers (requests)'],
    run,
    (r) => [
      r.target,
      ...HOP_COLUMNS.map((h) => (r.hops[h] ? `${ms(r.hops[h]!.p50)} / ${ms(r.hops[h]!.p99)}` : '–')),
      Object.entries(r.workers)
        .map(([worker, s]) => `${worker}: ${s.requests}`)
        .join(' · ') || '–',
    ],
  );
}

type Result = CompareRunAnswer['results'][number];

/** A table of one row per target: the header's words, then each result's cells (always text, never HTML). */
function appendTable(
  root: ReturnType<typeof select<HTMLElement, unknown>>,
  className: string,
  testId: string,
  header: string[],
  run: CompareRunAnswer,
  cells: (result: Result) => string[],
): void {
  const table = root.append('table').attr('class', className).attr('data-testid', testId);
  table
    .append('thead')
    .append('tr')
    .selectAll('th')
    .data(header)
    .join('th')
    .text((d) => d);
  table
    .append('tbody')
    .selectAll('tr')
    .data(run.results)
    .join('tr')
    .selectAll('td')
    .data(cells)
    .join('td')
    .text((d) => d);
}
