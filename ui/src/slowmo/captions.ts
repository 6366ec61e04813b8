import type { Trace } from '@hopscope/shared';
import { serverNoun, waitingFor } from '../stack-words';
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
      return `The request has reached the app server and waits for ${waitingFor(trace.stack)}.`;
    case 'unreported':
      return 'The app server has the request; its app reported no spans for it (no instrumentation, or not yet), so hopscope cannot see inside.';
    case 'server':
      // The diagram shows the server station once the app is done: the answer on its way out.
      return 'The app server sends the response back to the proxy.';
    case 'gateway':
      return stop.returning
        ? backInTheServer(trace)
        : `${capitalised(serverNoun(trace.stack))} accepted the connection and called the app${trace.worker ? ` in worker ${trace.worker}` : ''}.`;
    case 'route':
      return route ? `The framework matched the URL to the route ${String(route)}.` : 'The framework matched the URL to a route.';
    case 'view':
      if (stop.hop?.error) return `The view function ran and failed: ${stop.hop.error.type}.`;
      return stop.returning ? 'Back in the view with the answers: it builds the response.' : 'The view function ran: this is your code.';
    case 'response':
      return 'The framework builds the response: status, headers and body.';
    case 'db':
    case 'http':
    case 'cache':
    case 'messaging':
      return callCaption(stop, trace);
    case 'done':
      return `Done: ${trace.status ?? 'no status'} in ${(trace.duration ?? 0).toFixed(1)} ms${trace.error ? ` (${trace.error})` : ''}.`;
  }
}

/** What the view did at a call station, and the problem it shows: "The view ran the same SELECT 10 times — an N+1 query." */
function callCaption(stop: Stop, trace: Trace): string {
  const calls = stop.calls ?? [];
  const n = calls.length;
  const system = calls.find((c) => c.system)?.system;
  switch (stop.station) {
    case 'db': {
      const repeated = trace.findings?.find((f) => f.kind === 'repeated_query');
      if (repeated?.kind === 'repeated_query') {
        const verb = /^\s*(\w+)/.exec(repeated.statement)?.[1]?.toUpperCase() ?? 'query';
        return `The view ran the same ${verb} ${repeated.count} times — an N+1 query.`;
      }
      return `The view queries the database${system ? ` (${system})` : ''}: ${n} ${n === 1 ? 'query' : 'queries'}.`;
    }
    case 'http': {
      const where = calls.find((c) => c.target)?.target;
      const sequential = trace.findings?.find((f) => f.kind === 'sequential_calls');
      const base = `The view calls ${where ?? 'another service'} over HTTP${n > 1 ? ` (${n} calls)` : ''}`;
      return sequential?.kind === 'sequential_calls'
        ? `${base}, one after another — in parallel they could save ${sequential.savedMs.toFixed(0)} ms.`
        : `${base}.`;
    }
    case 'cache':
      return `The view asks the cache${system ? ` (${system})` : ''}.`;
    default:
      return `The view sends a message${system ? ` (${system})` : ''}.`;
  }
}

function backInTheServer(trace: Trace): string {
  switch (trace.stack ?? 'wsgi') {
    case 'wsgi':
      return 'Back in the WSGI server: the response is handed over and the iterable closed.';
    case 'node':
      return "Back in Node's http server: the response is written and ended.";
    default:
      return `Back in ${serverNoun(trace.stack)}: the response is handed over and sent.`;
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "12.3 ms" for a step: the hop's measured (or derived) duration. */
export function measuredTime(stop: Stop): string {
  if (stop.calls && stop.calls.length > 0) {
    const total = stop.calls.reduce((sum, c) => sum + c.duration, 0);
    const n = stop.calls.length;
    return `${total.toFixed(total < 10 ? 2 : 1)} ms in ${n} ${stop.station === 'db' ? (n === 1 ? 'query' : 'queries') : n === 1 ? 'call' : 'calls'} (measured)`;
  }
  if (!stop.hop) return '';
  if (stop.hop.duration < 0.01) return '< 0.01 ms (measured)';
  const kind = stop.hop.measured ? 'measured' : stop.hop.source;
  // Derived from whole-millisecond timestamps: say how good the number is.
  const precision = stop.hop.imprecise ? ', ±1 ms' : '';
  return `${stop.hop.duration.toFixed(stop.hop.duration < 10 ? 2 : 1)} ms (${kind}${precision})`;
}
