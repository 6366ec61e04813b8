import {
  ATTR_ASGI_EVENT_TYPE,
  ATTR_CONNECT_TYPE,
  ATTR_EXPRESS_TYPE,
  ATTR_FASTIFY_TYPE,
  ATTR_HAPI_TYPE,
  ATTR_HOPSCOPE_HOP,
  ATTR_KOA_TYPE,
  ATTR_NESTJS_TYPE,
  ATTR_RESTIFY_TYPE,
  isHopName,
  type HopName,
  type SpanKindName,
  type SpanRecord,
} from '@hopscope/shared';

/**
 * What a span is to the picture: a hop, or `middleware` (drawn inside the
 * gateway, in the span tree only). Spans no rule places stay in the tree.
 */
export type SpanRole = 'gateway' | 'route' | 'view' | 'response' | 'middleware';

/** One row of the mapping (docs/otel.md shows the same table; a test keeps them equal). */
export interface HopRule {
  framework: string;
  /** Instrumentation scope names, as the instrumentation passes them to `getTracer`. */
  scopes: readonly string[];
  kind?: SpanKindName;
  /** The attribute and the values that select the rule. */
  attribute?: { key: string; values: readonly string[] };
  role: SpanRole;
}

const NODE_HTTP = '@opentelemetry/instrumentation-http';
const EXPRESS = '@opentelemetry/instrumentation-express';
const FASTIFY_OTEL = '@fastify/otel';
const FASTIFY_CONTRIB = '@opentelemetry/instrumentation-fastify';
const PY_ASGI = ['opentelemetry.instrumentation.asgi', 'opentelemetry.instrumentation.fastapi', 'opentelemetry.instrumentation.starlette'];
const is = (key: string, ...values: string[]) => ({ key, values });

/**
 * Standard spans → hops, by instrumentation scope and attributes (the span
 * shapes come from the instrumentations' own tests and from real runs; see
 * docs/otel.md). First match wins. A span saying `hopscope.hop` is placed
 * there whatever its scope, and any other SERVER span is a gateway.
 */
export const HOP_RULES: readonly HopRule[] = [
  { framework: 'Node http', scopes: [NODE_HTTP], kind: 'server', role: 'gateway' },
  { framework: 'Express', scopes: [EXPRESS], attribute: is(ATTR_EXPRESS_TYPE, 'middleware'), role: 'middleware' },
  { framework: 'Express', scopes: [EXPRESS], attribute: is(ATTR_EXPRESS_TYPE, 'router'), role: 'route' },
  { framework: 'Express', scopes: [EXPRESS], attribute: is(ATTR_EXPRESS_TYPE, 'request_handler'), role: 'view' },
  {
    framework: 'Connect',
    scopes: ['@opentelemetry/instrumentation-connect'],
    attribute: is(ATTR_CONNECT_TYPE, 'middleware'),
    role: 'middleware',
  },
  {
    framework: 'Connect',
    scopes: ['@opentelemetry/instrumentation-connect'],
    attribute: is(ATTR_CONNECT_TYPE, 'request_handler'),
    role: 'view',
  },
  // @fastify/otel's "request" span is SERVER when it runs alone, INTERNAL under the http instrumentation.
  { framework: 'Fastify', scopes: [FASTIFY_OTEL], kind: 'server', role: 'gateway' },
  { framework: 'Fastify', scopes: [FASTIFY_OTEL], attribute: is(ATTR_FASTIFY_TYPE, 'request-handler'), role: 'view' },
  { framework: 'Fastify', scopes: [FASTIFY_OTEL], attribute: is(ATTR_FASTIFY_TYPE, 'hook', 'route-hook'), role: 'middleware' },
  { framework: 'Fastify', scopes: [FASTIFY_CONTRIB], attribute: is(ATTR_FASTIFY_TYPE, 'request_handler'), role: 'view' },
  { framework: 'Fastify', scopes: [FASTIFY_CONTRIB], attribute: is(ATTR_FASTIFY_TYPE, 'middleware'), role: 'middleware' },
  // Koa's "router" spans wrap the routed middleware: the route's handler.
  { framework: 'Koa', scopes: ['@opentelemetry/instrumentation-koa'], attribute: is(ATTR_KOA_TYPE, 'router'), role: 'view' },
  { framework: 'Koa', scopes: ['@opentelemetry/instrumentation-koa'], attribute: is(ATTR_KOA_TYPE, 'middleware'), role: 'middleware' },
  { framework: 'Hapi', scopes: ['@opentelemetry/instrumentation-hapi'], attribute: is(ATTR_HAPI_TYPE, 'router'), role: 'view' },
  {
    framework: 'Hapi',
    scopes: ['@opentelemetry/instrumentation-hapi'],
    attribute: is(ATTR_HAPI_TYPE, 'plugin', 'server.ext'),
    role: 'middleware',
  },
  {
    framework: 'Restify',
    scopes: ['@opentelemetry/instrumentation-restify'],
    attribute: is(ATTR_RESTIFY_TYPE, 'request_handler'),
    role: 'view',
  },
  {
    framework: 'Restify',
    scopes: ['@opentelemetry/instrumentation-restify'],
    attribute: is(ATTR_RESTIFY_TYPE, 'middleware'),
    role: 'middleware',
  },
  { framework: 'NestJS', scopes: ['@opentelemetry/instrumentation-nestjs-core'], attribute: is(ATTR_NESTJS_TYPE, 'handler'), role: 'view' },
  {
    framework: 'NestJS',
    scopes: ['@opentelemetry/instrumentation-nestjs-core'],
    attribute: is(ATTR_NESTJS_TYPE, 'request_context'),
    role: 'middleware',
  },
  { framework: 'Flask', scopes: ['opentelemetry.instrumentation.flask'], kind: 'server', role: 'gateway' },
  { framework: 'Django', scopes: ['opentelemetry.instrumentation.django'], kind: 'server', role: 'gateway' },
  { framework: 'WSGI', scopes: ['opentelemetry.instrumentation.wsgi'], kind: 'server', role: 'gateway' },
  { framework: 'ASGI (FastAPI, Starlette)', scopes: PY_ASGI, kind: 'server', role: 'gateway' },
  {
    framework: 'ASGI (FastAPI, Starlette)',
    scopes: PY_ASGI,
    attribute: is(ATTR_ASGI_EVENT_TYPE, 'http.response.start', 'http.response.body'),
    role: 'response',
  },
  { framework: 'ASGI (FastAPI, Starlette)', scopes: PY_ASGI, attribute: is(ATTR_ASGI_EVENT_TYPE, 'http.request'), role: 'middleware' },
];

const byScope = new Map<string, HopRule[]>();
/** Rules by attribute key, for spans whose scope is unknown (a recording without scopes, a vendor's fork of an instrumentation). */
const byAttribute = new Map<string, HopRule[]>();
for (const rule of HOP_RULES) {
  for (const scope of rule.scopes) byScope.set(scope, [...(byScope.get(scope) ?? []), rule]);
  if (rule.attribute) byAttribute.set(rule.attribute.key, [...(byAttribute.get(rule.attribute.key) ?? []), rule]);
}
const attributeKeys = [...byAttribute.keys()];

function matches(rule: HopRule, span: SpanRecord): boolean {
  if (rule.kind && rule.kind !== span.kind) return false;
  if (!rule.attribute) return true;
  const value = span.attributes[rule.attribute.key];
  return typeof value === 'string' && rule.attribute.values.includes(value);
}

/** Where the mapping places a span; undefined when it does not (kept in the span tree all the same). */
export function roleOf(span: SpanRecord): SpanRole | HopName | undefined {
  const declared = span.attributes[ATTR_HOPSCOPE_HOP];
  if (isHopName(declared)) return declared;
  const scoped = span.scope ? byScope.get(span.scope.name) : undefined;
  if (scoped) for (const rule of scoped) if (matches(rule, span)) return rule.role;
  for (const key of attributeKeys) {
    if (span.attributes[key] === undefined) continue;
    for (const rule of byAttribute.get(key)!) if (matches(rule, span)) return rule.role;
  }
  if (declared === undefined && span.kind === 'server') return 'gateway';
  return undefined;
}
