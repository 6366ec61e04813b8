import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SpanRecord } from '@hopscope/shared';
import { HubError } from '../errors';
import { decodeExportRequestJson } from './json';
import { decodeExportRequestProtobuf } from './protobuf';

export interface ReceiverOptions {
  /** Largest accepted body after decompression (decompression bombs: CVE-2024-36129). */
  maxBodyBytes: number;
  ingest(spans: SpanRecord[]): void;
}

type Format = 'json' | 'protobuf';

/**
 * OTLP/HTTP trace receiver (opentelemetry-proto spec): POST /v1/traces with
 * JSON or protobuf, optionally gzip; answers in the request's content type.
 * The body is read as a raw stream so size limits apply after inflation.
 */
export async function otlpReceiver(app: FastifyInstance, options: ReceiverOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.post('/v1/traces', async (request, reply) => {
    const format = formatOf(request.headers['content-type']);
    if (!format) throw new HubError('HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not OTLP`);
    const body = await readBody(request, options.maxBodyBytes);
    const spans = format === 'json' ? decodeExportRequestJson(body.toString('utf8')) : decodeExportRequestProtobuf(body);
    options.ingest(spans);
    return respond(reply, format);
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: '/v1/traces',
    handler: async () => {
      throw new HubError('HOPSCOPE_HUB_METHOD_NOT_ALLOWED');
    },
  });
}

function formatOf(contentType: string | undefined): Format | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

async function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const raw = request.body as Readable | undefined;
  if (!raw) return Buffer.alloc(0);
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  let source: Readable = raw;
  if (encoding === 'gzip') source = raw.pipe(createGunzip());
  else if (encoding !== 'identity') throw new HubError('HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported (use gzip)`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        source.destroy();
        raw.destroy();
        throw new HubError('HOPSCOPE_HUB_TOO_LARGE', `more than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new HubError('HOPSCOPE_HUB_BAD_OTLP', 'the gzip body could not be inflated', { cause: error });
  }
  return Buffer.concat(chunks);
}

function respond(reply: FastifyReply, format: Format) {
  // An empty ExportTraceServiceResponse: `{}` in JSON, zero bytes in protobuf.
  if (format === 'json') return reply.type('application/json').send('{}');
  return reply.type('application/x-protobuf').send(Buffer.alloc(0));
}
