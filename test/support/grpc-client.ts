import * as grpc from '@grpc/grpc-js';

export interface GrpcAnswer {
  /** 0 (OK) or the gRPC status code. */
  code: number;
  details: string;
  response?: Buffer;
  trailers: grpc.Metadata;
}

export const SERVICES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
} as const;

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * One unary OTLP `Export` call with raw bytes over a real grpc-js channel, as
 * a misbehaving client would send it (the official exporters only send what
 * their serializers make). `gzip` compresses the message (grpc-encoding).
 */
export async function exportRaw(
  grpcUrl: string,
  service: keyof typeof SERVICES,
  body: Uint8Array,
  options: { gzip?: boolean; authorization?: string } = {},
): Promise<GrpcAnswer> {
  const client = new grpc.Client(
    grpcUrl.replace(/^http:\/\//, ''),
    grpc.credentials.createInsecure(),
    options.gzip ? { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip } : {},
  );
  const metadata = new grpc.Metadata();
  if (options.authorization) metadata.set('authorization', options.authorization);
  try {
    return await new Promise<GrpcAnswer>((resolve) => {
      let trailers = new grpc.Metadata();
      const call = client.makeUnaryRequest(
        `/${SERVICES[service]}/Export`,
        identity,
        identity,
        Buffer.from(body),
        metadata,
        { deadline: Date.now() + 20_000 },
        (error, response) => {
          if (error) resolve({ code: error.code, details: error.details, trailers: error.metadata ?? trailers });
          else resolve({ code: 0, details: '', response, trailers });
        },
      );
      call.on('status', (status: grpc.StatusObject) => (trailers = status.metadata));
    });
  } finally {
    client.close();
  }
}
