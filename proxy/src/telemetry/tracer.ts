import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { SpanSink } from '@hopscope/shared';
import { LiveSpanProcessor, recordsTo, type LiveSpans } from './live-processor';
import { proxySampler } from './sampler';

/** The instrumentation scope of every proxy span (the hub's exporter recognises the proxy's spans by it). */
export const PROXY_SCOPE = '@hopscope/proxy';
export const PROXY_SCOPE_VERSION = '0.1.0';
/** `service.name` of the proxy's spans unless OTEL_SERVICE_NAME names another. */
export const DEFAULT_PROXY_SERVICE = 'hopscope-proxy';

/**
 * A tracer of its own for a proxy started in process (createProxy without
 * the worker, as the tests do): an SDK TracerProvider that is not global,
 * whose only processor hands spans to `sink`. The worker's proxies share the
 * NodeSDK's tracer instead (worker-sdk.ts).
 */
export function privateTracer(sink: SpanSink): Tracer {
  return privateTracerTo(recordsTo(sink));
}

/** The same, handing the SDK's spans themselves on (the worker's SpanChannel when OTEL_SDK_DISABLED leaves NodeSDK out). */
export function privateTracerTo(live: LiveSpans): Tracer {
  const sampler = proxySampler();
  const provider = new BasicTracerProvider({
    resource: defaultProxyResource(),
    spanProcessors: [new LiveSpanProcessor(live)],
    ...(sampler ? { sampler } : {}),
  });
  return provider.getTracer(PROXY_SCOPE, PROXY_SCOPE_VERSION);
}

function defaultProxyResource(): Resource {
  return resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || DEFAULT_PROXY_SERVICE });
}
