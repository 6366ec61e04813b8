import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../errors';
import type { IngestBudget } from './budget';
import { exportResponseJson, exportResponseProtobuf, type ExportOutcome } from './response';
import { OTLP_SIGNALS, type OtlpFormat, type OtlpSignal, type OtlpSink } from './signals';

export interface ReceiverOptions {
  /** Largest accepted body after decompression (decompression bombs: CVE-2024-36129). */
  maxBodyBytes: number;
  /** Shared by every OTLP listener of one hub: bounds what is read at once. */
  budget: IngestBudget;
  sink: OtlpSink;
}

export const RETRY_AFTER_SECONDS = 1;
/** A body that sends nothing for this long is given up, so a stalled upload cannot hold the budget. */
const BODY_IDLE_MS = 15_000;
/** After a refusal the rest of the body is read and thrown away (the client then reads the answer, not a reset), up to this much. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * OTLP/HTTP receiver (opentelemetry-proto spec): POST /v1/traces, /v1/metrics
 * and /v1/logs with JSON or protobuf, optionally gzip; answers in the
 * request's content type. The body is read as a raw stream so size limits
 * apply after inflation, and bytes held are charged to the hub-wide budget as
 * they arrive.
 */
export async function otlpReceiver(app: FastifyInstance, options: ReceiverOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  for (const signal of OTLP_SIGNALS) {
    app.post(signal.httpPath, (request, reply) => receive(signal, request, reply, options));
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: signal.httpPath,
      handler: async () => {
        throw new HubError('HOPSCOPE_HUB_METHOD_NOT_ALLOWED');
      },
    });
  }
}

async function receive(signal: OtlpSignal, request: FastifyRequest, reply: FastifyReply, options: ReceiverOptions) {
  const raw = request.body as Readable | undefined;
  const format = formatOf(request.headers['content-type']);
  if (!format) {
    discardRest(raw);
    throw new HubError('HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE', `Content-Type ${request.headers['content-type'] ?? '(none)'} is not OTLP`);
  }
  if (!options.budget.enter()) {
    discardRest(raw);
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    throw new HubError('HOPSCOPE_HUB_OVERLOADED', 'Too many OTLP exports are being read');
  }
  const held = { bytes: 0 };
  let outcome: ExportOutcome;
  try {
    const body = await readBody(request, options, held);
    outcome = signal.accept(body, format, options.sink);
  } catch (error) {
    if (error instanceof HubError && error.code === 'HOPSCOPE_HUB_OVERLOADED')
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (error instanceof HubError && error.code === 'HOPSCOPE_HUB_BODY_TIMEOUT') void reply.header('connection', 'close');
    throw error;
  } finally {
    options.budget.leave(held.bytes);
  }
  if (format === 'json') return reply.type('application/json').send(exportResponseJson(outcome, signal.rejectedName));
  return reply.type('application/x-protobuf').send(exportResponseProtobuf(outcome));
}

function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

/** Reads the (inflated) body chunk by chunk, refusing as soon as a limit is passed rather than after buffering it. */
function readBody(request: FastifyRequest, options: ReceiverOptions, held: { bytes: number }): Promise<Buffer> {
  const raw = request.body as Readable | undefined;
  if (!raw) return Promise.resolve(Buffer.alloc(0));
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'gzip' && encoding !== 'identity') {
    discardRest(raw);
    return Promise.reject(new HubError('HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported (use gzip)`));
  }
  const gunzip = encoding === 'gzip' ? createGunzip() : undefined;
  const source: Readable = gunzip ? raw.pipe(gunzip) : raw;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const idle = setTimeout(
      () => fail(new HubError('HOPSCOPE_HUB_BODY_TIMEOUT', `nothing arrived for ${BODY_IDLE_MS / 1000} s`)),
      BODY_IDLE_MS,
    );
    // A total deadline too: bytes trickled one at a time restart the idle timer but not this.
    const clock = options.budget.clock(() => fail(new HubError('HOPSCOPE_HUB_BODY_TIMEOUT', 'the body arrived too slowly')));
    const fail = (error: HubError) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clock.stop();
      source.removeListener('data', onData);
      if (gunzip) {
        raw.unpipe(gunzip);
        gunzip.destroy();
      }
      discardRest(raw);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (held.bytes + chunk.length > options.maxBodyBytes)
        return fail(new HubError('HOPSCOPE_HUB_TOO_LARGE', `more than ${options.maxBodyBytes} bytes`));
      if (!options.budget.charge(chunk.length)) return fail(new HubError('HOPSCOPE_HUB_OVERLOADED', 'Too many OTLP bytes are being read'));
      held.bytes += chunk.length;
      chunks.push(chunk);
      idle.refresh();
      clock.received(chunk.length);
    };
    source.on('data', onData);
    source.once('end', () => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clock.stop();
      resolve(Buffer.concat(chunks));
    });
    source.once('error', (error) =>
      fail(
        new HubError('HOPSCOPE_HUB_BAD_OTLP', gunzip ? 'the gzip body could not be inflated' : 'the body was cut off', { cause: error }),
      ),
    );
    if (gunzip) raw.once('error', (error) => fail(new HubError('HOPSCOPE_HUB_BAD_OTLP', 'the body was cut off', { cause: error })));
  });
}

/** Reads and drops what is left of a refused body, so the client gets the answer instead of a reset; bounded. */
function discardRest(raw: Readable | undefined): void {
  if (!raw || raw.readableEnded || raw.destroyed) return;
  let discarded = 0;
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) raw.destroy();
  });
  raw.on('error', () => {});
  raw.resume();
}
