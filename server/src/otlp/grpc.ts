import * as grpc from '@grpc/grpc-js';
import { HubError, type HubErrorCode } from '../errors';
import { RETRY_AFTER_SECONDS, type ReceiverOptions } from './receiver';
import { exportResponseProtobuf } from './response';
import { OTLP_SIGNALS, type OtlpSignal } from './signals';

/**
 * OTLP/gRPC (opentelemetry-proto collector services; the Python SDK's
 * default protocol, port 4317). The request message is the same protobuf as
 * OTLP/HTTP's, so each service is registered with pass-through serializers
 * and the bytes go to the same decoders, budget and sink. grpc-js inflates
 * `grpc-encoding: gzip` and refuses a message larger than the limit, before
 * or after inflation (RESOURCE_EXHAUSTED).
 */
export interface GrpcListener {
  port: number;
  close(): Promise<void>;
}

/** How long a closing hub lets exports in progress finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 1000;

/** OTLP/gRPC status codes for the catalogue (OTLP spec, "OTLP/gRPC Response"): only UNAVAILABLE and RESOURCE_EXHAUSTED are retried. */
const GRPC_STATUS: Partial<Record<HubErrorCode, grpc.status>> = {
  HOPSCOPE_HUB_BAD_OTLP: grpc.status.INVALID_ARGUMENT,
  HOPSCOPE_HUB_TOO_LARGE: grpc.status.RESOURCE_EXHAUSTED,
  HOPSCOPE_HUB_OVERLOADED: grpc.status.UNAVAILABLE,
  HOPSCOPE_HUB_UNAUTHORIZED: grpc.status.UNAUTHENTICATED,
};

const identity = (bytes: Buffer): Buffer => bytes;

export async function startOtlpGrpcListener(
  host: string,
  port: number,
  receiver: ReceiverOptions,
  token: string | undefined,
): Promise<GrpcListener> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': receiver.maxBodyBytes,
    interceptors: token ? [requireToken(token)] : [],
  });
  for (const signal of OTLP_SIGNALS) {
    const method = {
      path: `/${signal.grpcService}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
    server.addService({ Export: method }, { Export: exportHandler(signal, receiver) });
  }
  const bound = await bind(server, host, port);
  return { port: bound, close: () => shutdown(server) };
}

function exportHandler(signal: OtlpSignal, receiver: ReceiverOptions): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    const body = call.request;
    if (!receiver.budget.enter())
      return callback(statusOf(new HubError('HOPSCOPE_HUB_OVERLOADED', 'Too many OTLP exports are being read')));
    let charged = 0;
    try {
      if (!receiver.budget.charge(body.length))
        return callback(statusOf(new HubError('HOPSCOPE_HUB_OVERLOADED', 'Too many OTLP bytes are being read')));
      charged = body.length;
      callback(null, exportResponseProtobuf(signal.accept(body, 'protobuf', receiver.sink)));
    } catch (error) {
      callback(statusOf(error));
    } finally {
      receiver.budget.leave(charged);
    }
  };
}

/** A catalogue error as a gRPC status: the code in the details (`HOPSCOPE_HUB_BAD_OTLP: …`), retry advice when it is worth retrying. */
function statusOf(error: unknown): grpc.ServerErrorResponse {
  const hubError = error instanceof HubError ? error : new HubError('HOPSCOPE_HUB_INTERNAL');
  const status: grpc.ServerErrorResponse = {
    name: hubError.code,
    message: hubError.message,
    code: GRPC_STATUS[hubError.code] ?? grpc.status.INTERNAL,
    details: `${hubError.code}: ${hubError.message}`,
  };
  if (hubError.code === 'HOPSCOPE_HUB_OVERLOADED') {
    status.metadata = new grpc.Metadata();
    status.metadata.set('google.rpc.retryinfo-bin', retryInfo(RETRY_AFTER_SECONDS));
  }
  return status;
}

/** google.rpc.RetryInfo { retry_delay: Duration { seconds } }, what OTLP/gRPC clients read to pace a retry (OTLP spec, "Throttling"). */
function retryInfo(seconds: number): Buffer {
  return Buffer.from([0x0a, 0x02, 0x08, seconds]);
}

/** Refuses a call without the token as soon as its headers arrive, before its message is read. */
function requireToken(token: string): grpc.ServerInterceptor {
  const expected = `Bearer ${token}`;
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            if (metadata.get('authorization')[0] === expected) return nextMetadata(metadata);
            const refused = new HubError(
              'HOPSCOPE_HUB_UNAUTHORIZED',
              'The OTLP/gRPC port needs the metadata authorization: Bearer <token>',
            );
            call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: `${refused.code}: ${refused.message}` });
          },
        }),
    });
}

function bind(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  // grpc-js also logs a failed bind to stderr; the caller reports it in its own words (the CLI names the flag), so keep it quiet.
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      grpc.setLogVerbosity(configuredVerbosity());
      if (!error) return resolve(boundPort);
      // grpc-js words a port in use as "No address added out of total 1 resolved"; the CLI names the flag for EADDRINUSE.
      const failure = Object.assign(new Error(`OTLP/gRPC cannot listen on ${address}: ${error.message}`, { cause: error }), {
        code: /EADDRINUSE|address already in use|No address added/i.test(error.message) ? 'EADDRINUSE' : 'EGRPCBIND',
        port,
      });
      reject(failure);
    });
  });
}

/** What grpc-js reads from GRPC_VERBOSITY when it loads (default ERROR). */
function configuredVerbosity(): grpc.logVerbosity {
  const named = {
    DEBUG: grpc.logVerbosity.DEBUG,
    INFO: grpc.logVerbosity.INFO,
    ERROR: grpc.logVerbosity.ERROR,
    NONE: grpc.logVerbosity.NONE,
  };
  return named[(process.env.GRPC_VERBOSITY ?? '').toUpperCase() as keyof typeof named] ?? grpc.logVerbosity.ERROR;
}

function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
