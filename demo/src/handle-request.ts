import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  formatServerTiming,
} from '@hopscope/shared';
import { matchRoute, type ViewResult } from './routes';
import { tracedQueries } from './traced-db';
import { childContext, recordFailure, type DemoTracing } from './tracing';

/**
 * One request through the demo app, hop by hop, like a WSGI app: gateway
 * (the server hands the request to the app) → route (URL matching) → view →
 * response (body written). Every response closes its connection, as Werkzeug
 * and Gunicorn's sync workers do.
 */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, tracing: DemoTracing): Promise<void> {
  const parent = tracing.extract(req.headers);
  const url = new URL(req.url ?? '/', 'http://demo');
  const gateway = tracing.startHop('gateway', `${req.method} ${url.pathname}`, parent, SpanKind.SERVER);
  gateway.setAttributes({ [ATTR_HTTP_REQUEST_METHOD]: req.method ?? 'GET', [ATTR_URL_PATH]: url.pathname });
  const gatewayStart = performance.now();
  const inGateway = childContext(parent, gateway);

  const routeSpan = tracing.startHop('route', 'route', inGateway);
  const routeStart = performance.now();
  const match = matchRoute(url.pathname);
  if (match) {
    routeSpan.setAttribute(ATTR_HTTP_ROUTE, match.route);
    gateway.setAttribute(ATTR_HTTP_ROUTE, match.route);
  }
  routeSpan.end();
  const routeMs = performance.now() - routeStart;

  let result: ViewResult;
  const viewSpan = tracing.startHop('view', match ? `view ${match.route}` : 'not found', inGateway);
  const viewStart = performance.now();
  try {
    const context = tracedQueries(tracing, childContext(inGateway, viewSpan));
    result = match
      ? await match.view(match.params, url.searchParams, context)
      : { status: 404, body: 'not found\n', contentType: 'text/plain' };
  } catch (error) {
    recordFailure(viewSpan, error);
    result = { status: 500, body: 'Internal Server Error\n', contentType: 'text/plain' };
  }
  viewSpan.end();
  const viewMs = performance.now() - viewStart;

  const responseSpan = tracing.startHop('response', 'response', inGateway);
  gateway.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
  res.writeHead(result.status, {
    'content-type': result.contentType,
    'content-length': Buffer.byteLength(result.body),
    connection: 'close',
    // Durations known when headers leave; lets a proxy-only setup see the app hops too.
    'server-timing': formatServerTiming([
      { name: 'gateway', duration: performance.now() - gatewayStart },
      { name: 'route', duration: routeMs },
      { name: 'view', duration: viewMs },
    ]),
  });
  // The body is handed to the socket here (as a WSGI server closes the iterable). The spans end at
  // the moment just before it leaves: stamped after the write, a descheduled process could stamp a
  // time later than the proxy's own end of the call, and the app's hops would not nest inside it.
  const handedOver = tracing.now();
  res.end(req.method === 'HEAD' ? undefined : result.body);
  responseSpan.end(handedOver);
  gateway.end(handedOver);
}
