import { enoughSamples, type Comparison, type TargetResult } from '@hopscope/shared';

const HOP_COLUMNS = ['queue', 'gateway', 'route', 'view', 'response'] as const;

interface Report {
  results: Array<Omit<TargetResult, 'samples'>>;
  comparisons: Comparison[];
  warnings: string[];
}

/** The results as rows of cells, shared by the plain table and Markdown. */
export function reportRows(report: Report): { latency: string[][]; hops: string[][] } {
  const ms = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));
  const latency = [
    ['target', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'waiting for a worker'],
    ...report.results.map((r) => [
      r.target,
      r.throughput.toFixed(1),
      ms(r.latency.p50),
      ms(r.latency.p90),
      ms(r.latency.p99),
      enoughSamples('p999', r.latency.count) ? ms(r.latency.p999) : `– (n=${r.latency.count.toLocaleString('en')})`,
      enoughSamples('max', r.latency.count) ? ms(r.latency.max) : '–',
      Object.entries(r.errors)
        .map(([k, n]) => `${k}×${n}`)
        .join(' ') || '0',
      r.tracedRequests > 0 ? `${(r.queueShare * 100).toFixed(0)}%` : '–',
    ]),
  ];
  const hops = [
    ['target', ...HOP_COLUMNS.map((h) => `${h} p50/p99 ms`), 'workers (requests)'],
    ...report.results.map((r) => [
      r.target,
      ...HOP_COLUMNS.map((h) => (r.hops[h] ? `${ms(r.hops[h]!.p50)} / ${ms(r.hops[h]!.p99)}` : '–')),
      Object.entries(r.workers)
        .map(([w, s]) => `${w}:${s.requests}`)
        .join(' ') || '–',
    ]),
  ];
  if (report.results.some((r) => r.calls)) {
    hops[0]!.push('queries/request', 'db ms/request', 'http calls/request');
    report.results.forEach((r, i) => {
      const calls = r.calls;
      hops[i + 1]!.push(
        ...(calls ? [String(calls.queriesPerRequest), ms(calls.dbMsPerRequest), String(calls.httpPerRequest)] : ['–', '–', '–']),
      );
    });
  }
  return { latency, hops };
}

export function formatTable(report: Report): string {
  const { latency, hops } = reportRows(report);
  const table = (cells: string[][]) => {
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
    return cells
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  };
  const traced = report.results.some((r) => r.tracedRequests > 0);
  return [
    table(latency),
    '',
    traced ? table(hops) : '(no per-hop times: these targets were not traced by a hub)',
    '',
    ...report.comparisons.map((c) => c.sentence),
    ...report.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export function formatMarkdown(report: Report): string {
  const { latency, hops } = reportRows(report);
  const table = (cells: string[][]) =>
    [
      `| ${cells[0]!.join(' | ')} |`,
      `|${cells[0]!.map(() => '---').join('|')}|`,
      ...cells.slice(1).map((row) => `| ${row.join(' | ')} |`),
    ].join('\n');
  return [
    table(latency),
    '',
    table(hops),
    '',
    ...report.comparisons.map((c) => `> ${c.sentence}`),
    ...report.warnings.map((w) => `> warning: ${w}`),
  ].join('\n');
}
