/**
 * Attribute keys, defined once. Standard keys follow the OpenTelemetry
 * semantic conventions (HTTP, URL, error, process); ours live under
 * `hopscope.*`. Nothing else in the code base spells these as literals.
 */
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
export const ATTR_URL_PATH = 'url.path';
export const ATTR_URL_QUERY = 'url.query';
export const ATTR_URL_FULL = 'url.full';
export const ATTR_URL_SCHEME = 'url.scheme';
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_CLIENT_ADDRESS = 'client.address';
export const ATTR_USER_AGENT = 'user_agent.original';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';
export const ATTR_PROCESS_PID = 'process.pid';
export const ATTR_SERVICE_NAME = 'service.name';

/** Which station of the journey a span measures (a HopName). */
export const ATTR_HOPSCOPE_HOP = 'hopscope.hop';
/** The target name (as given to `--target NAME=URL`) a request went to. */
export const ATTR_HOPSCOPE_TARGET = 'hopscope.target';
/** The worker that handled the request (pid, thread, or a server's own name). */
export const ATTR_HOPSCOPE_WORKER = 'hopscope.worker';
/** True on hops built from a Server-Timing header rather than real spans. */
export const ATTR_HOPSCOPE_SYNTHESIZED = 'hopscope.synthesized';
/** The upstream's raw Server-Timing header, kept on the proxy's CLIENT span. */
export const ATTR_HOPSCOPE_SERVER_TIMING = 'hopscope.server_timing';
/**
 * Milliseconds between the proxy's `X-Request-Start` and the app's gateway starting:
 * the wait for a free worker as the app measured it (on the app's gateway span).
 */
export const ATTR_HOPSCOPE_QUEUE_MS = 'hopscope.queue_ms';
/**
 * Milliseconds a hop's own code held the event loop (hopscope_asgi): the steps of its coroutine
 * that ran 10 ms or more without awaiting, summed. On an `async def` view, and on the gateway
 * for the whole request (middleware and serialization included).
 */
export const ATTR_HOPSCOPE_LOOP_BLOCKED_MS = 'hopscope.loop_blocked_ms';
/** Milliseconds of event-loop lag a request sat through while other code held the loop (on the gateway span). */
export const ATTR_HOPSCOPE_LOOP_WAIT_MS = 'hopscope.loop_wait_ms';
/** Where the view ran: `event_loop` (an `async def`) or `thread_pool` (a `def` Starlette runs on a worker thread). */
export const ATTR_HOPSCOPE_EXECUTOR = 'hopscope.executor';
/** Calls a request made past hopscope_wsgi's bound (1,000 per request): counted, not recorded (on the view span). */
export const ATTR_HOPSCOPE_CALLS_DROPPED = 'hopscope.calls_dropped';
/** The thread that ran the view (OpenTelemetry's general attributes). */
export const ATTR_THREAD_ID = 'thread.id';
export const ATTR_THREAD_NAME = 'thread.name';

/** The event name OpenTelemetry uses for recorded exceptions. */
export const EVENT_EXCEPTION = 'exception';

/**
 * `error.type` values for proxy failures, modelled on Envoy's response code
 * details (PROXY-RULES.md). Documented in the README's troubleshooting table.
 */
export const ERROR_TYPES = [
  'upstream_connect_refused',
  'upstream_connect_timeout',
  'upstream_reset_before_response',
  'upstream_reset_after_response_started',
  'upstream_response_header_timeout',
  'upstream_body_idle_timeout',
  'upstream_invalid_response',
  'downstream_disconnect',
  'request_rejected_framing',
  'request_too_large',
  'request_body_timeout',
  'overload',
  'upgrade_rejected',
] as const;

export type ProxyErrorType = (typeof ERROR_TYPES)[number];

/*
 * Keys read to map spans of standard OpenTelemetry instrumentations to hops
 * (server/src/pipeline/semconv-hops.ts, docs/otel.md).
 */
/** Deprecated HTTP keys (semconv < 1.21) that Python instrumentations still send by default. */
export const ATTR_HTTP_METHOD = 'http.method';
export const ATTR_HTTP_STATUS_CODE = 'http.status_code';
export const ATTR_HTTP_TARGET = 'http.target';
export const ATTR_HTTP_URL = 'http.url';
/** Resource keys that name the SDK's language and runtime (`nodejs`, `python`, …). */
export const ATTR_TELEMETRY_SDK_LANGUAGE = 'telemetry.sdk.language';
export const ATTR_PROCESS_RUNTIME_NAME = 'process.runtime.name';
/** Layer kinds set by the Node framework instrumentations (opentelemetry-js-contrib, @fastify/otel). */
export const ATTR_EXPRESS_TYPE = 'express.type';
export const ATTR_CONNECT_TYPE = 'connect.type';
export const ATTR_KOA_TYPE = 'koa.type';
export const ATTR_FASTIFY_TYPE = 'fastify.type';
export const ATTR_HAPI_TYPE = 'hapi.type';
export const ATTR_RESTIFY_TYPE = 'restify.type';
export const ATTR_NESTJS_TYPE = 'nestjs.type';
/** The ASGI message an `http send` / `http receive` span carried (`http.response.start`, `http.response.body`, `http.request`). */
export const ATTR_ASGI_EVENT_TYPE = 'asgi.event.type';
/** A process's unique id in the default resource: the worker identity Python SDKs offer (no `process.pid` by default). */
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

/*
 * Keys of outgoing calls (CLIENT spans below the app's hops; server/src/pipeline/calls.ts). The
 * database keys of semconv ≥ 1.26 come first, the older ones that instrumentations still send after.
 */
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_DB_SYSTEM = 'db.system';
export const ATTR_DB_QUERY_TEXT = 'db.query.text';
export const ATTR_DB_STATEMENT = 'db.statement';
export const ATTR_DB_NAMESPACE = 'db.namespace';
export const ATTR_DB_NAME = 'db.name';
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
export const ATTR_DB_COLLECTION_NAME = 'db.collection.name';
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_NET_PEER_NAME = 'net.peer.name';
export const ATTR_NET_PEER_PORT = 'net.peer.port';
