import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TargetInfo } from '@hopscope/shared';
import { HubError } from '../errors';

/**
 * `/api/send/:target/*`: the dashboard's "send a request" goes through the
 * target's proxy from the hub's own origin, so the browser can time it with
 * Resource Timing without CORS. Only the browser's traceparent and the body's
 * type travel with it; the guard has already refused foreign origins.
 */
export async function sendThroughProxy(app: FastifyInstance, deps: { targets(): TargetInfo[] }): Promise<void> {
  // Bodies stream on untouched: no parsing in this plugin's scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/api/send/:target/*', (request, reply) => {
    const { target } = request.params as { target: string };
    const info = deps.targets().find((t) => t.name === target);
    if (!info) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `No target "${target.slice(0, 64)}"`);
    const rest = request.url.slice(`/api/send/${encodeURIComponent(target)}`.length) || '/';
    const headers: http.OutgoingHttpHeaders = {};
    for (const name of ['traceparent', 'content-type', 'accept']) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    reply.hijack();
    const upstream = http.request(new URL(rest, info.proxy), { method: request.method, headers, agent: false }, (res) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const name of ['content-type', 'server-timing', 'content-length']) {
        if (res.headers[name] !== undefined) out[name] = res.headers[name];
      }
      reply.raw.writeHead(res.statusCode ?? 502, out);
      res.pipe(reply.raw);
    });
    upstream.on('error', () => {
      const failed = new HubError('HOPSCOPE_HUB_SEND_FAILED', `The proxy for "${target.slice(0, 64)}" did not answer`);
      if (!reply.raw.headersSent) reply.raw.writeHead(failed.statusCode, { 'content-type': 'application/json' });
      reply.raw.end(JSON.stringify(failed));
    });
    const body = request.body as NodeJS.ReadableStream | undefined;
    if (body && typeof body.pipe === 'function') body.pipe(upstream);
    else upstream.end();
  });
}
