import { select } from 'd3';

const ENTRIES = [
  {
    swatch: 'moving',
    text: 'a request moving through a station',
    title: 'Each dot is one request; it sits at the station doing its work.',
  },
  { swatch: 'waiting', text: 'waiting for a worker', title: 'In the queue in front of the server: every worker is busy.' },
  { swatch: 'failed', text: 'failed (5xx or an exception)', title: 'Click it to see where it failed.' },
  { swatch: 'finding', text: 'a request with a finding (an N+1…)', title: 'The hub found a problem in it: open it to read which.' },
  { swatch: 'lit', text: 'station in focus (slow motion)', title: 'Slow motion lights the station the request is at.' },
];

/** The colour legend under the diagram, drawn once: what each colour means, with a hint on hover. */
export function renderLegend(container: HTMLElement): void {
  const items = select(container)
    .attr('aria-label', 'Colour legend')
    .selectAll('span.legend-item')
    .data(ENTRIES)
    .join('span')
    .attr('class', 'legend-item')
    .attr('title', (d) => d.title);
  items.append('span').attr('class', (d) => `legend-swatch ${d.swatch}`);
  items.append('span').text((d) => d.text);
  select(container).append('span').attr('class', 'legend-item hint').text('Click a dot or a row for its detail.');
}
