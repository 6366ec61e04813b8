import { escapeHtml } from './escape';
import { reportRows } from './format';
import { histogramSvg } from './histogram-svg';
import type { CompareReport } from './report';

/**
 * No script at all, nothing loaded from anywhere: the page is a CI artifact
 * that people open from a build, so even a name like `<script>` in a target
 * or a path stays text (every value from the run goes through escapeHtml).
 */
const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">`;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}.crossed{color:#b00020;font-weight:600}.held{color:#1b5e20}`;

export function htmlReport(report: CompareReport, createdAt: Date): string {
  const { latency, hops } = reportRows(report);
  const spec = report.spec;
  const names = report.results.map((r) => r.target).join(' vs ');
  const load = spec
    ? [
        `paths ${spec.paths.map((p) => `${p.path}${p.weight === 1 ? '' : ` (×${p.weight})`}`).join(', ')}`,
        `${spec.method}`,
        spec.rate === undefined ? `${spec.concurrency} connections (closed loop)` : `${spec.rate} requests/s (open loop)`,
        `${spec.durationMs / 1000} s measured after ${spec.warmupMs / 1000} s of warm-up`,
      ].join(' · ')
    : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    CSP,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>hopscope compare: ${escapeHtml(names)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>hopscope compare: ${escapeHtml(names)}</h1>`,
    `<p>${escapeHtml(load)}${load ? '<br>' : ''}${escapeHtml(createdAt.toISOString())}</p>`,
    ...thresholdSection(report),
    table(latency),
    '<h2>Latency histograms</h2>',
    histogramSvg(report.results.map((r) => ({ target: r.target, histogram: r.histogram ?? [] }))),
    '<h2>Per hop</h2>',
    report.results.some((r) => r.tracedRequests > 0) ? table(hops) : '<p>No per-hop times: these targets were not traced by a hub.</p>',
    ...report.comparisons.map((c) => `<p>${escapeHtml(c.sentence)}</p>`),
    ...report.warnings.map((w) => `<p>warning: ${escapeHtml(w)}</p>`),
    '</body></html>',
    '',
  ].join('\n');
}

function thresholdSection(report: CompareReport): string[] {
  if (!report.thresholds || report.thresholds.length === 0) return [];
  return [
    '<h2>Thresholds</h2>',
    '<ul>',
    ...report.thresholds.map((t) =>
      t.crossed.length === 0
        ? `<li class="held">passed: --fail-if ${escapeHtml(t.text)}</li>`
        : `<li class="crossed">failed: ${t.crossed.map(escapeHtml).join('<br>failed: ')}</li>`,
    ),
    '</ul>',
  ];
}

function table(cells: string[][]): string {
  const [head, ...body] = cells;
  return [
    '<table>',
    `<tr>${head!.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`,
    ...body.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</table>',
  ].join('\n');
}
