import http from 'node:http';
import { pipeline } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TargetInfo } from '@hopscope/shared';
import { HubError } from '../errors';
import { sendPath } from './send-path';

/**
 * What the target answered is the app's, not the hub's: served as inert data
 * so that a navigation to /api/send/… can never run it on the hub's origin.
 * `sandbox` gives any document an opaque origin, `default-src 'none'` runs
 * nothing, nosniff stops a browser from reading it as script or style, and an
 * attachment is downloaded rather than shown. The dashboard reads it with
 * fetch(), which none of this affects.
 */
const INERT_HEADERS: http.OutgoingHttpHeaders = {
  'content-type': 'application/octet-stream',
  'content-security-policy': "default-src 'none'; sandbox",
  'x-content-type-options': 'nosniff',
  'content-disposition': 'attachment',
  'cache-control': 'no-store',
};
/** The app's own Content-Type travels under this name, for the reader, never as the response's type. */
const UPSTREAM_TYPE_HEADER = 'x-hopscope-upstream-content-type';

/**
 * `/api/send/:target/*`: the dashboard's "send a request" goes through the
 * target's proxy from the hub's own origin, so the browser can time it with
 * Resource Timing without CORS. The request goes to the proxy's own host and
 * port with the path as an opaque origin-form target (send-path.ts), never
 * through URL resolution, so no path can pick another host. Only the
 * browser's traceparent and the body's type travel with it; the guard has
 * already refused foreign origins.
 */
export async function sendThroughProxy(app: FastifyInstance, deps: { targets(): TargetInfo[] }): Promise<void> {
  // Bodies stream on untouched: no parsing in this plugin's scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/api/send/:target/*', (request, reply) => {
    const { target } = request.params as { target: string };
    const info = deps.targets().find((t) => t.name === target);
    if (!info) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `No target "${target.slice(0, 64)}"`);
    const path = sendPath(request.url, target);
    const proxy = new URL(info.proxy);
    const headers: http.OutgoingHttpHeaders = { host: proxy.host };
    for (const name of ['traceparent', 'content-type', 'accept']) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    reply.hijack();
    const options: http.RequestOptions = {
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      path,
      method: request.method,
      headers,
      agent: false,
    };
    const upstream = http.request(options, (res) => {
      const out: http.OutgoingHttpHeaders = { ...INERT_HEADERS };
      for (const name of ['server-timing', 'content-length']) {
        if (res.headers[name] !== undefined) out[name] = res.headers[name];
      }
      if (res.headers['content-type'] !== undefined) out[UPSTREAM_TYPE_HEADER] = res.headers['content-type'];
      try {
        reply.raw.writeHead(res.statusCode ?? 502, out);
      } catch {
        // A header value Node's parser took but its writer refuses: no answer to relay, and never a crash.
        res.destroy();
        return void reply.raw.destroy();
      }
      // A reset mid-body destroys the answer too (the client sees it cut), instead of leaving it open.
      pipeline(res, reply.raw, () => {});
    });
    upstream.on('error', () => {
      if (reply.raw.headersSent) return void reply.raw.destroy();
      const failed = new HubError('HOPSCOPE_HUB_SEND_FAILED', `The proxy for "${target.slice(0, 64)}" did not answer`);
      reply.raw.writeHead(failed.statusCode, { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify(failed));
    });
    // The browser gave up: so does the request to the proxy.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) upstream.destroy();
    });
    const body = request.body as NodeJS.ReadableStream | undefined;
    if (body && typeof body.pipe === 'function') pipeline(body, upstream, () => {});
    else upstream.end();
  });
}
