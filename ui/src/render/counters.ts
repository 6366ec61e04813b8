import { select } from 'd3';
import type { StatsSnapshot } from '@hopscope/shared';
import type { DrawnCounts } from './flow';
import { formatMs } from './format-ms';
import { setText } from './text';

/**
 * Counters per target and the hub's own health (or, in a replay, the
 * recording's), as text. `queue` and `not reported` count what the diagram
 * draws at its playback time, so the numbers and the picture agree; the rest
 * comes from the hub (or the recording at the playhead).
 */
export function renderCounters(
  container: HTMLElement,
  stats: StatsSnapshot | undefined,
  targets: string[],
  animatedShare: number,
  droppedMessages: number,
  replayLine?: string,
  drawn?: Map<string, DrawnCounts>,
): void {
  const cards = select(container)
    .selectAll<HTMLDivElement, string>('div.counter-card')
    .data(targets, (d) => d)
    .join((enter) => {
      const card = enter.append('div').attr('class', 'counter-card');
      card.append('h3');
      card.append('dl');
      return card;
    })
    .attr('data-testid', (d) => `counters-${d}`);
  cards.select('h3').call(setText, (d: string) => d);
  cards
    .select('dl')
    .selectAll<HTMLDivElement, [string, string]>('div')
    .data((target) => {
      const t = stats?.targets[target];
      const picture = drawn?.get(target);
      // No sample yet is "–", not "0.00 ms": a newcomer must not read a measurement into an empty window.
      const measured = t !== undefined && t.latency.count > 0;
      const rows: Array<[string, string]> = [
        ['req/s', t ? t.rps.toFixed(1) : '–'],
        ['p50', measured ? formatMs(t.latency.p50) : '–'],
        ['p95', measured ? formatMs(t.latency.p95) : '–'],
        ['p99', measured ? formatMs(t.latency.p99) : '–'],
        ['errors', t && t.requests > 0 ? `${(t.errorRate * 100).toFixed(1)}%` : '–'],
        ['in flight', t ? String(t.inFlight) : '–'],
        ['queue', picture ? String(picture.queue) : t ? String(t.queueDepth) : '–'],
        ['not reported', picture ? String(picture.unreported) : '–'],
      ];
      // Only for a target whose app was seen querying a database.
      if (picture?.queriesPerRequest !== undefined) rows.push(['queries/req', picture.queriesPerRequest.toFixed(1)]);
      return rows;
    })
    .join((enter) => {
      const div = enter.append('div');
      div.append('dt');
      div.append('dd');
      return div;
    })
    .attr('data-testid', (d) => `counter-${d[0].replace(/\W+/g, '-')}`)
    .call((div) => {
      div.select('dt').call(setText, (d: [string, string]) => d[0]);
      div.select('dd').call(setText, (d: [string, string]) => d[1]);
    });

  const hub = stats?.hub;
  select(container)
    .selectAll<HTMLParagraphElement, number>('p.hub-health')
    .data([0])
    .join('p')
    .attr('class', 'hub-health')
    .attr('data-testid', 'hub-health')
    .text(
      replayLine ??
        (hub
          ? `hub: ${hub.spansReceived} spans received · ${hub.spansDropped} dropped · ${hub.spansTruncated ?? 0} cut to size · ${hub.proxyDropped ?? 0} dropped by the proxies · ${hub.ingestRefused ?? 0} OTLP exports refused (overload) · ${hub.tracesEvicted} traces evicted · ingest lag ${hub.ingestLagMs.toFixed(0)} ms · ${hub.liveDropped + droppedMessages} live messages dropped · ${(animatedShare * 100).toFixed(0)}% of requests animated${hub.recordError === undefined ? '' : ` · recording to file FAILED, ${hub.recordDropped ?? 0} spans lost: ${hub.recordError}`}${hub.exportDropped ? ` · OTLP export: ${hub.exportDropped} spans not delivered${hub.exportError ? ` (${hub.exportError})` : ''}` : ''}`
          : 'hub: waiting for statistics…'),
    );
}
