import type { CliOptions } from './options';

/**
 * The standard OTel variables choose where spans are also exported. An
 * endpoint that is hopscope's own OTLP receiver would feed every span back in
 * forever, so it is ignored with a warning.
 */
export function exportEndpointFromEnv(env: NodeJS.ProcessEnv, options: Pick<CliOptions, 'otlpPort'>): string | undefined {
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.replace(/\/v1\/traces\/?$/, '');
  const endpoint = (tracesEndpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || '').replace(/\/$/, '');
  if (!endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    console.warn(`warning: OTEL_EXPORTER_OTLP_ENDPOINT "${endpoint}" is not a URL; spans are not exported`);
    return undefined;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(url.hostname);
  if (loopback && Number(url.port || 80) === options.otlpPort) {
    console.warn(`warning: OTEL_EXPORTER_OTLP_ENDPOINT points at hopscope's own receiver (${endpoint}); not exporting to itself`);
    return undefined;
  }
  return endpoint;
}
