import type { Trace } from '@hopscope/shared';

/** What happens at each station, for a newcomer hovering it. */
const STATIONS: Record<string, string> = {
  client: "The browser: the page's own timing of the request (Resource Timing).",
  proxy: "hopscope's proxy received the request and forwards it to your app.",
  server: 'The app server holds the connection; a request waits in the line in front of it until a worker is free.',
  gateway: 'The WSGI / ASGI layer (or the Node http server) hands the request to your framework.',
  route: 'The framework matches the URL to a view.',
  view: 'Your code runs here: queries, calls, templates.',
  response: 'The response is written back to the client.',
};

/**
 * Hover hints on the diagram, which G1's renderers draw: what a station does,
 * what the numbers under it are, and which request a dot is. One fixed
 * element follows the pointer; everything is set as text. Read from the
 * drawn elements' data attributes, so the renderers need not know.
 */
export function mountFlowTooltip(svg: SVGSVGElement, traceOf: (traceId: string) => Trace | undefined): void {
  const tip = document.createElement('div');
  tip.className = 'flow-tooltip';
  tip.dataset.testid = 'flow-tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.append(tip);
  svg.addEventListener('mousemove', (event) => {
    const text = hintFor(event.target as Element, traceOf);
    tip.hidden = text === undefined;
    if (text === undefined) return;
    if (tip.textContent !== text) tip.textContent = text;
    tip.style.left = `${Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8)}px`;
    tip.style.top = `${event.clientY + 16}px`;
  });
  svg.addEventListener('mouseleave', () => (tip.hidden = true));
}

export function hintFor(element: Element, traceOf: (traceId: string) => Trace | undefined): string | undefined {
  const particle = element.closest('[data-testid=particle]');
  if (particle) {
    const trace = traceOf(particle.getAttribute('data-trace-id') ?? '');
    if (!trace) return 'A request: click it for its detail.';
    const outcome = trace.inFlight ? 'in flight' : `${trace.status ?? '?'} in ${trace.duration?.toFixed(1) ?? '?'} ms`;
    return `${trace.method} ${trace.path} · ${trace.target} · ${outcome}. Click for its detail.`;
  }
  if (element.closest('.station-stat')) return 'This hop over the last 10 s: half the requests took less than p50, 95% less than p95.';
  if (element.closest('[data-testid=waiting-bar]')) return 'Requests waiting for a free worker, in arrival order.';
  const station = element.closest('[data-testid^=station-]');
  if (station) return STATIONS[(station.getAttribute('data-testid') ?? '').slice('station-'.length)];
  const lane = element.closest('[data-testid^=lane-]');
  if (lane)
    return `Worker ${(lane.getAttribute('data-testid') ?? '').slice('lane-'.length)}: the requests this process (or thread) served.`;
  return undefined;
}
