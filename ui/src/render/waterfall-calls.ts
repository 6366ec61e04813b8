import type { Selection } from 'd3';
import type { Call, Finding, Trace } from '@hopscope/shared';
import { offsetLabel } from './waterfall-ruler';

/**
 * What the request did below the app's hops — its database, HTTP, cache and
 * messaging calls (kind, statement with `?` for literals, duration, offset) —
 * and what the hub found wrong with them (a repeated query, calls that could
 * have run in parallel). Text only: statements come from the app.
 */
export function appendCalls<E extends Element>(parent: Selection<E, unknown, null, undefined>, trace: Trace): void {
  // Two services of one trace are two requests (two rows of the flow): each links to the other.
  if (trace.calledBy) {
    const caller = parent.append('p').attr('class', 'wf-called-by').attr('data-testid', 'waterfall-called-by');
    caller.append('span').text('Called by ');
    caller
      .append('a')
      .attr('href', requestLink(trace.calledBy.request))
      .text(`a request of ${trace.calledBy.target ?? 'another service'}`);
  }
  const findings = trace.findings ?? [];
  if (findings.length > 0) {
    const box = parent.append('div').attr('class', 'wf-findings').attr('data-testid', 'waterfall-findings');
    box.append('h4').text('Findings');
    box
      .append('ul')
      .selectAll('li')
      .data(findings)
      .join('li')
      .attr('data-testid', 'waterfall-finding')
      .attr('data-kind', (d) => d.kind)
      .text(findingText);
  }
  const calls = trace.calls ?? [];
  if (calls.length === 0) return;
  const box = parent.append('div').attr('class', 'wf-calls').attr('data-testid', 'waterfall-calls');
  box.append('h4').text(`Calls (${calls.length})`);
  const rows = box
    .append('ol')
    .selectAll('li')
    .data(calls)
    .join('li')
    .attr('class', (d) => `wf-call${d.error || (d.status ?? 0) >= 500 ? ' failed' : ''}`)
    .attr('data-testid', 'waterfall-call')
    .attr('data-kind', (d) => d.kind);
  rows
    .append('span')
    .attr('class', 'wf-call-kind')
    .text((d) => d.system ?? d.kind);
  rows
    .append('span')
    .attr('class', 'wf-call-what')
    .attr('title', (d) => callWhat(d))
    .text((d) => callWhat(d));
  rows
    .append('span')
    .attr('class', 'wf-call-at')
    .text((d) => offsetLabel(Math.max(0, d.start - trace.start)));
  rows
    .append('span')
    .attr('class', 'wf-call-duration')
    .text((d) => `${d.duration.toFixed(2)} ms`);
  // Below the call, on a line of its own: the request it made in the other service.
  rows
    .filter((d) => d.request !== undefined)
    .append('a')
    .attr('class', 'wf-call-request')
    .attr('data-testid', 'waterfall-call-request')
    .attr('href', (d) => requestLink(d.request!))
    .attr('title', 'the request this call made, behind its own hopscope proxy')
    .text((d) => `→ ${d.requestTarget ?? 'its request'}`);
}

/** The detail panel's own address for a request (`#trace=ID`, detail-panel.ts). */
function requestLink(request: string): string {
  return `#trace=${encodeURIComponent(request)}`;
}

function callWhat(call: Call): string {
  const what = call.statement ?? call.name;
  return call.target ? `${what} → ${call.target}` : what;
}

/** One sentence per finding, with the numbers that make it worth fixing. */
export function findingText(finding: Finding): string {
  switch (finding.kind) {
    case 'repeated_query':
      return `The same query ran ${finding.count} times (${finding.totalMs.toFixed(1)} ms in all): ${finding.statement}`;
    case 'sequential_calls':
      return `${finding.count} calls ran one after another (${finding.totalMs.toFixed(1)} ms); in parallel they would save about ${finding.savedMs.toFixed(1)} ms`;
    case 'blocked_event_loop':
      return `The event loop was blocked for ${finding.ms.toFixed(1)} ms`;
  }
}
