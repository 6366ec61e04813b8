import type { Trace } from '@hopscope/shared';

/** The plain page's only inline content: the dashboard's CSP allows it by its hash (security-headers.ts). */
export const PLAIN_PAGE_STYLE =
  'body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}';

/**
 * The page served at / when the dashboard has not been built (ui/dist
 * missing): recent traces as a plain table. Every value comes from spans, so
 * every value is escaped.
 */
export function plainPage(traces: readonly Trace[]): string {
  const rows = traces
    .map(
      (t) =>
        `<tr><td>${escapeHtml(new Date(t.start).toISOString().slice(11, 23))}</td><td>${escapeHtml(t.target)}</td>` +
        `<td>${escapeHtml(t.method)}</td><td>${escapeHtml(t.path)}</td><td>${escapeHtml(t.route ?? '')}</td>` +
        `<td>${t.inFlight ? 'in flight' : escapeHtml(String(t.status ?? ''))}</td>` +
        `<td>${t.duration === undefined ? '' : t.duration.toFixed(1) + ' ms'}</td><td>${escapeHtml(t.worker ?? '')}</td>` +
        `<td>${escapeHtml(t.hops.map((h) => `${h.hop} ${h.duration.toFixed(1)}`).join(' → '))}</td>` +
        `<td>${escapeHtml(t.error ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hopscope — recent traces</title>
<meta http-equiv="refresh" content="2">
<style>${PLAIN_PAGE_STYLE}</style>
</head><body>
<h1>hopscope — recent traces</h1>
<p>The animated dashboard is not built; run <code>npm run build:ui</code> and restart. This page refreshes every 2 s.</p>
<table data-testid="trace-table"><thead><tr><th>time</th><th>target</th><th>method</th><th>path</th><th>route</th><th>status</th><th>duration</th><th>worker</th><th>hops (ms)</th><th>error</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
