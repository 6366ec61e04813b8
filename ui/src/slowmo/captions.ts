import type { Trace } from '@hopscope/shared';
import type { Stop } from './stops';

/**
 * One plain-language sentence per station, for an audience: what happens to
 * the request there. Values from the trace (paths, routes) are inserted as
 * text by the caller's renderer, never as HTML.
 */
export function captionFor(stop: Stop, trace: Trace): string {
  const route = trace.route ?? stop.hop?.attributes['http.route'];
  switch (stop.station) {
    case 'client':
      return `The browser sends ${trace.method} ${trace.path}.`;
    case 'proxy':
      return stop.returning
        ? "hopscope's proxy streams the response back to the client."
        : `hopscope's proxy receives ${trace.method} ${trace.path}, starts the trace and forwards it to ${trace.target}.`;
    case 'queue':
      return trace.hops.some((h) => h.hop === 'gateway')
        ? 'The request has reached the app server and waits for a free worker.'
        : 'The app server has the request; without app instrumentation hopscope cannot see inside.';
    case 'server':
      // The diagram shows the server station once the app is done: the answer on its way out.
      return 'The app server sends the response back to the proxy.';
    case 'gateway':
      return stop.returning
        ? 'Back in the WSGI server: the response is handed over and the iterable closed.'
        : `The WSGI server accepted the connection and called the app${trace.worker ? ` in worker ${trace.worker}` : ''}.`;
    case 'route':
      return route ? `The framework matched the URL to the route ${String(route)}.` : 'The framework matched the URL to a route.';
    case 'view':
      return stop.hop?.error ? `The view function ran and failed: ${stop.hop.error.type}.` : 'The view function ran: this is your code.';
    case 'response':
      return 'The framework builds the response: status, headers and body.';
    case 'done':
      return `Done: ${trace.status ?? 'no status'} in ${(trace.duration ?? 0).toFixed(1)} ms${trace.error ? ` (${trace.error})` : ''}.`;
  }
}

/** "12.3 ms" for a step: the hop's measured (or derived) duration. */
export function measuredTime(stop: Stop): string {
  if (!stop.hop) return '';
  if (stop.hop.duration < 0.01) return '< 0.01 ms (measured)';
  const kind = stop.hop.measured ? 'measured' : stop.hop.source;
  return `${stop.hop.duration.toFixed(stop.hop.duration < 10 ? 2 : 1)} ms (${kind})`;
}
