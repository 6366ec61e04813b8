import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { hubAnswer, HubError } from '../errors';
import { otlpReceiver, type ReceiverOptions } from '../otlp/receiver';
import type { TraceStore } from '../pipeline/store';
import { plainPage } from './page';

/** Answers every error in the catalogue's JSON shape; anything unforeseen is HOPSCOPE_HUB_INTERNAL. */
export function installErrorAnswers(app: FastifyInstance, fallback?: Parameters<typeof hubAnswer>[1]): void {
  app.setErrorHandler((error, request, reply) => {
    // A refused WebSocket upgrade keeps its socket outside Fastify's connection tracking: close it.
    if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
    const answer = hubAnswer(error, fallback);
    if (answer) return reply.code(answer.status).send(answer.body);
    const internal = new HubError('HOPSCOPE_HUB_INTERNAL');
    return reply.code(internal.statusCode).send(internal.toJSON());
  });
  // Unknown routes answer in the same shape, not Fastify's default body.
  app.setNotFoundHandler((request) => {
    throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`);
  });
}

/** The separate OTLP/HTTP port (4318 by default): apps and collectors only. */
export async function startOtlpListener(
  host: string,
  port: number,
  receiver: ReceiverOptions,
  token: string | undefined,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // Apps and collectors post here; a web page never should (no CORS, and a browser Origin is refused).
  // With a token, apps send it the OTel way: OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN.
  app.addHook('onRequest', async (request) => {
    if (request.headers.origin !== undefined) throw new HubError('HOPSCOPE_HUB_FORBIDDEN_ORIGIN', 'Browsers cannot post to the OTLP port');
    if (token && request.headers.authorization !== `Bearer ${token}`)
      throw new HubError('HOPSCOPE_HUB_UNAUTHORIZED', 'The OTLP port needs Authorization: Bearer <token>');
  });
  installErrorAnswers(app, 'HOPSCOPE_HUB_BAD_OTLP');
  await app.register(otlpReceiver, receiver);
  await app.listen({ host, port });
  return app;
}

/** The built dashboard when there is one; otherwise a plain trace list at /. */
export async function serveDashboard(app: FastifyInstance, uiDir: string | undefined, store: TraceStore): Promise<void> {
  if (uiDir && existsSync(join(uiDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: uiDir, index: 'index.html' });
    return;
  }
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(plainPage(store.list({ limit: 50 }))));
}

export function addressPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
