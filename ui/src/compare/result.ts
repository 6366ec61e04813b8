import { axisBottom, axisLeft, line, scaleLinear, scaleLog, select } from 'd3';
import { enoughSamples, type CompareRunAnswer, type HopName } from '@hopscope/shared';

const COLORS = ['var(--accent)', 'var(--queue)', 'var(--particle)', 'var(--fail)'];

/** One run's result: the sentences, a percentile table, per-hop p50s and the overlaid latency histograms. */
export function renderCompareResult(container: HTMLElement, run: CompareRunAnswer): void {
  const root = select(container);
  root.selectAll('*').remove();
  for (const comparison of run.comparisons)
    root.append('p').attr('class', 'compare-sentence').attr('data-testid', 'compare-sentence').text(comparison.sentence);
  for (const warning of run.warnings) root.append('p').attr('class', 'compare-warning').text(`warning: ${warning}`);
  const table = root.append('table').attr('class', 'compare-table').attr('data-testid', 'compare-table');
  const hopNames: HopName[] = ['queue', 'gateway', 'view', 'response'];
  table
    .append('thead')
    .append('tr')
    .selectAll('th')
    .data(['target', 'req/s', 'p50', 'p90', 'p99', 'p99.9', 'max', 'errors', 'waiting', ...hopNames.map((h) => `${h} p50`)])
    .join('th')
    .text((d) => d);
  table
    .append('tbody')
    .selectAll('tr')
    .data(run.results)
    .join('tr')
    .selectAll('td')
    .data((r) => [
      r.target,
      r.throughput.toFixed(1),
      ...(['p50', 'p90', 'p99', 'p999', 'max'] as const).map((k) =>
        (k === 'p999' || k === 'max') && !enoughSamples(k, r.latency.count) ? '–' : `${r.latency[k].toFixed(1)} ms`,
      ),
      String(Object.values(r.errors).reduce((a, b) => a + b, 0)),
      `${(r.queueShare * 100).toFixed(0)}%`,
      ...hopNames.map((h) => (r.hops[h] ? `${r.hops[h]!.p50.toFixed(1)} ms` : '–')),
    ])
    .join('td')
    .text((d) => d);

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
    svg
      .append('text')
      .attr('x', width - margin.right - 4)
      .attr('y', margin.top + 14 * (i + 1))
      .attr('text-anchor', 'end')
      .attr('fill', COLORS[i % COLORS.length]!)
      .text(r.target);
  });
}
