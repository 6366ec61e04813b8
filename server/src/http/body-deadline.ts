import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { HubError } from '../errors';
import { DEFAULT_UPLOAD_PACE, UploadClock, type UploadPace } from '../otlp/budget';

/**
 * Every request body the hub's port reads (an import, a compare spec, a
 * body sent through /api/send) has the same total deadline as an OTLP
 * upload (budget.ts UploadPace): a body trickled a byte at a time is cut
 * with 408 and its connection closed, instead of holding a parser, its
 * buffer and (for /api/send) an upstream connection for as long as the
 * client likes. OTLP routes keep their own clock, charged to the budget.
 */
export function installBodyDeadline(app: FastifyInstance, pace: UploadPace = DEFAULT_UPLOAD_PACE): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.url.startsWith('/v1/') || !hasBody(request.headers)) return payload;
    const paced = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        clock.received(chunk.length);
        callback(null, chunk);
      },
    });
    const clock = new UploadClock(pace, () => {
      payload.unpipe(paced);
      void reply.header('connection', 'close');
      paced.destroy(new HubError('HOPSCOPE_HUB_BODY_TIMEOUT', 'the body arrived too slowly'));
    });
    paced.once('close', () => clock.stop());
    (payload as Readable).once('error', (error) => paced.destroy(error));
    return payload.pipe(paced);
  });
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
