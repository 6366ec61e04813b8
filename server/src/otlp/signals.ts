import type { SpanRecord } from '@hopscope/shared';
import { decodeExportRequestJson } from './json';
import type { DecodedLog } from './logs';
import { decodeLogsRequestJson } from './logs-json';
import { decodeLogsRequestProtobuf } from './logs-protobuf';
import { checkMetricsRequest } from './metrics';
import { decodeExportRequestProtobuf } from './protobuf';
import { ACCEPTED, type ExportOutcome } from './response';

export type OtlpFormat = 'json' | 'protobuf';

/** Where decoded exports go, whatever listener (OTLP/HTTP on either port, OTLP/gRPC) they came in on. */
export interface OtlpSink {
  /** Returns the spans it could not keep (reported as partial success). */
  spans(spans: SpanRecord[]): ExportOutcome;
  logs(records: DecodedLog[]): void;
  /** Accepted and dropped; called once per export with the number of ResourceMetrics it held. */
  metrics(resourceMetrics: number): void;
}

/** One OTLP signal: its OTLP/HTTP path, its gRPC service, and what accepting an export of it means. */
export interface OtlpSignal {
  httpPath: '/v1/traces' | '/v1/metrics' | '/v1/logs';
  /** `package.Service` of opentelemetry-proto's collector; the method is always `Export`. */
  grpcService: string;
  /** The JSON name of the partial-success count (`ExportTracePartialSuccess.rejectedSpans`, …). */
  rejectedName: string;
  /** Decodes one export and hands it to the sink; throws HubError(HOPSCOPE_HUB_BAD_OTLP) on a body it cannot read. */
  accept(body: Buffer, format: OtlpFormat, sink: OtlpSink): ExportOutcome;
}

export const OTLP_SIGNALS: readonly OtlpSignal[] = [
  {
    httpPath: '/v1/traces',
    grpcService: 'opentelemetry.proto.collector.trace.v1.TraceService',
    rejectedName: 'rejectedSpans',
    accept: (body, format, sink) =>
      sink.spans(format === 'json' ? decodeExportRequestJson(body.toString('utf8')) : decodeExportRequestProtobuf(body)),
  },
  {
    httpPath: '/v1/metrics',
    grpcService: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
    rejectedName: 'rejectedDataPoints',
    accept: (body, format, sink) => {
      sink.metrics(checkMetricsRequest(body, format));
      return ACCEPTED;
    },
  },
  {
    httpPath: '/v1/logs',
    grpcService: 'opentelemetry.proto.collector.logs.v1.LogsService',
    rejectedName: 'rejectedLogRecords',
    accept: (body, format, sink) => {
      sink.logs(format === 'json' ? decodeLogsRequestJson(body.toString('utf8')) : decodeLogsRequestProtobuf(body));
      return ACCEPTED;
    },
  },
];

export const OTLP_HTTP_PATHS: readonly string[] = OTLP_SIGNALS.map((s) => s.httpPath);
