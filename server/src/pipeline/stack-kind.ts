import {
  ATTR_HOPSCOPE_HOP,
  ATTR_PROCESS_RUNTIME_NAME,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  type SpanRecord,
  type StackKind,
} from '@hopscope/shared';

/** Python's ASGI instrumentations (asgi, fastapi, starlette) and hopscope's own ASGI integration. */
const ASGI_SCOPE = /asgi|fastapi|starlette/i;
/** Python's WSGI-side instrumentations (wsgi, flask, django) and hopscope_wsgi. */
const WSGI_SCOPE = /wsgi|flask|django/i;
const NODE_SCOPE = /^@opentelemetry\/instrumentation-|^@fastify\/otel$/;

/**
 * What kind of server the app is, for words that fit it ("Gateway (ASGI)"):
 * from the app spans' instrumentation scopes first, then their resource.
 * hopscope's own integrations and the built-in demo say `hopscope.hop` and
 * stand for a WSGI app. Undefined when no app span has arrived.
 */
export function stackOf(appSpans: readonly SpanRecord[]): StackKind | undefined {
  if (appSpans.length === 0) return undefined;
  let wsgi = false;
  let node = false;
  // Spans of one scope share one scope object (the decoders make one per scope): test each once.
  let seen: SpanRecord['scope'] | null = null;
  for (const span of appSpans) {
    const scope = span.scope?.name ?? '';
    if (span.attributes[ATTR_HOPSCOPE_HOP] !== undefined && (scope === '' || scope.startsWith('hopscope'))) wsgi = true;
    if (span.scope === seen) continue;
    seen = span.scope;
    if (ASGI_SCOPE.test(scope)) return 'asgi';
    if (WSGI_SCOPE.test(scope)) wsgi = true;
    else if (NODE_SCOPE.test(scope)) node = true;
  }
  if (wsgi) return 'wsgi';
  if (node) return 'node';
  const resource = appSpans[0]!.resource;
  if (resource[ATTR_TELEMETRY_SDK_LANGUAGE] === 'nodejs' || resource[ATTR_PROCESS_RUNTIME_NAME] === 'nodejs') return 'node';
  return 'other';
}
