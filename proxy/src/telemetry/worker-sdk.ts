import { trace, type Tracer } from '@opentelemetry/api';
import { LiveSpanProcessor, type LiveSpans } from './live-processor';
import { proxySampler } from './sampler';
import { DEFAULT_PROXY_SERVICE, PROXY_SCOPE, PROXY_SCOPE_VERSION, privateTracerTo } from './tracer';

export interface WorkerTracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK of the proxy worker, set up with the official
 * NodeSDK. Its globals (tracer provider, context manager, propagator) are
 * the worker's own: a worker thread has its own module instances, so
 * nothing leaks to the hub's thread or to an app's SDK. The standard
 * variables apply: OTEL_SERVICE_NAME (default `hopscope-proxy`),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER (default: every request,
 * sampler.ts), OTEL_SPAN_*_LIMIT. Its one span processor is the live one;
 * metrics and logs are switched off (NodeSDK would otherwise start OTLP
 * metric and log exporters to localhost:4318, hopscope's own receiver).
 * Export to a backend happens on the hub's thread (docs/otel.md).
 */
export async function startWorkerTracing(live: LiveSpans, env: NodeJS.ProcessEnv = process.env): Promise<WorkerTracing> {
  // OTEL_SDK_DISABLED turns NodeSDK into a no-op; hopscope's live view still needs its spans.
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { tracer: privateTracerTo(live), shutdown: async () => {} };
  // Loaded only when used: NodeSDK brings every exporter it could configure (OTEL_SDK_DISABLED skips that cost).
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sampler = proxySampler(env);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() ? undefined : DEFAULT_PROXY_SERVICE,
    spanProcessors: [new LiveSpanProcessor(live)],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    ...(sampler ? { sampler } : {}),
  });
  sdk.start();
  return { tracer: trace.getTracer(PROXY_SCOPE, PROXY_SCOPE_VERSION), shutdown: () => sdk.shutdown() };
}
