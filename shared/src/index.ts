// First: configures zod before any schema below is built.
import './zod-config';
export { HOPS, APP_HOPS, isHopName, hopOrder } from './hops';
export type { HopName } from './hops';
export {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_FULL,
  ATTR_URL_SCHEME,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_CLIENT_ADDRESS,
  ATTR_USER_AGENT,
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  ATTR_HOPSCOPE_HOP,
  ATTR_HOPSCOPE_TARGET,
  ATTR_HOPSCOPE_WORKER,
  ATTR_HOPSCOPE_SYNTHESIZED,
  ATTR_HOPSCOPE_SERVER_TIMING,
  ATTR_HOPSCOPE_LOOP_BLOCKED_MS,
  ATTR_HOPSCOPE_LOOP_WAIT_MS,
  ATTR_HOPSCOPE_EXECUTOR,
  ATTR_HTTP_METHOD,
  ATTR_HTTP_STATUS_CODE,
  ATTR_HTTP_TARGET,
  ATTR_HTTP_URL,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_EXPRESS_TYPE,
  ATTR_CONNECT_TYPE,
  ATTR_KOA_TYPE,
  ATTR_FASTIFY_TYPE,
  ATTR_HAPI_TYPE,
  ATTR_RESTIFY_TYPE,
  ATTR_NESTJS_TYPE,
  ATTR_ASGI_EVENT_TYPE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_THREAD_ID,
  ATTR_THREAD_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_DB_SYSTEM,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_STATEMENT,
  ATTR_DB_NAMESPACE,
  ATTR_DB_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_COLLECTION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_NET_PEER_NAME,
  ATTR_NET_PEER_PORT,
  EVENT_EXCEPTION,
  ERROR_TYPES,
} from './semconv';
export type { ProxyErrorType } from './semconv';
export type {
  AttrScalar,
  AttrValue,
  Attributes,
  SpanKindName,
  SpanStatusCode,
  SpanEvent,
  SpanRecord,
  HopSource,
  HopError,
  Hop,
  Trace,
  TraceSpan,
  TraceLog,
  StackKind,
  Call,
  Caller,
  CallKind,
  Finding,
  TargetInfo,
  TargetState,
} from './model';
export type { Percentiles, WorkerStats, TargetStats, HubHealth, StatsSnapshot } from './stats';
export { percentilesOf } from './percentiles';
export { TargetWindow, isFailedTrace } from './window-stats';
export type { SpanSink } from './sink';
export type { LiveMessage } from './wire-types';
export {
  hopSchema,
  traceSchema,
  targetInfoSchema,
  statsSnapshotSchema,
  liveMessageSchema,
  parseLiveMessage,
  recordingSchema,
  parseRecording,
} from './wire';
export { RECORDING_VERSION } from './recording';
export type { Recording, RecordingStatus } from './recording';
export { parseTraceparent, formatTraceparent } from './traceparent';
export type { TraceParent } from './traceparent';
export { parseServerTiming, formatServerTiming } from './server-timing';
export type { ServerTimingEntry } from './server-timing';
export { parseRequestStart, formatRequestStart } from './request-start';
export { redactQuery, REDACTED, SECRET_HEADERS } from './redact';
export { compareSpecSchema, enoughSamples, MIN_SAMPLES, parseDuration, parseWeightedPath } from './compare';
export type {
  CompareSpec,
  CompareSpecInput,
  LoadProgress,
  LoadResult,
  TargetResult,
  CallStatistics,
  MetricComparison,
  Comparison,
  CompareRun,
  CompareRunAnswer,
  CompareRunSummary,
  HistogramBucket,
} from './compare';
