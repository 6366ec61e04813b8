import {
  APP_HOPS,
  ATTR_ERROR_TYPE,
  ATTR_HOPSCOPE_HOP,
  ATTR_HOPSCOPE_SERVER_TIMING,
  ATTR_HOPSCOPE_TARGET,
  ATTR_HOPSCOPE_WORKER,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  hopOrder,
  isHopName,
  type AttrScalar,
  type Hop,
  type HopName,
  type SpanRecord,
  type Trace,
  type TraceSpan,
} from '@hopscope/shared';
import { deriveAppHops } from './app-timing';
import { callsOf, MAX_CALLS_PER_TRACE } from './calls';
import { addFindings } from './findings';
import { hopSpans, placeSpans } from './hop-spans';
import { methodOf, pathOf, routeOf, statusCodeOf } from './http-attributes';
import { placeErrors } from './place-errors';
import { roleOf } from './semconv-hops';
import { oldestFirst, spanTree } from './span-tree';
import { stackOf } from './stack-kind';
import { synthesizeFromServerTiming } from './synthesize';

/**
 * Builds the API's view of one trace from whatever spans have arrived, in any
 * order. Pure: called again whenever a span of the trace arrives, so late and
 * out-of-order spans simply produce a more complete trace. Linear in the
 * number of spans (it runs for every changed trace).
 */
export function assembleTrace(spans: readonly SpanRecord[], nowMs: number): Trace | undefined {
  const { byHop, appSpans } = placeSpans(spans);
  if (byHop.size === 0) return undefined;

  const hopBySpanId = new Map<string, HopName>();
  const drawnByHop = new Map<HopName, SpanRecord[]>();
  for (const [hop, candidates] of byHop) {
    const drawn = hopSpans(hop, candidates);
    for (const span of drawn) hopBySpanId.set(span.spanId, hop);
    drawnByHop.set(hop, drawn);
  }
  const tree = spanTree(spans, hopBySpanId, nowMs);
  const first = new Map<HopName, SpanRecord>();
  const hops: Hop[] = [];
  for (const [hop, drawn] of drawnByHop) {
    first.set(hop, drawn[0]!);
    hops.push(measuredHop(hop, drawn, nowMs, tree.get(drawn[0]!.spanId)!.attributes));
  }
  const server = hops.find((h) => h.hop === 'server');
  if (server && !hops.some((h) => APP_HOPS.includes(h.hop)))
    hops.push(...synthesizeFromServerTiming(server, first.get('server')!.attributes[ATTR_HOPSCOPE_SERVER_TIMING]));
  const route = first.get('route');
  const view = first.get('view');
  deriveAppHops(hops, {
    msClock: appSpans.length > 0 && appSpans.every((s) => Number.isInteger(s.startMs)),
    routeFromRouter: route !== undefined && !declaresHop(route),
    viewFromHandler: view !== undefined && !declaresHop(view),
  });
  const firstException = placeErrors(spans, hops, hopBySpanId, tree);
  hops.sort((a, b) => hopOrder(a.hop) - hopOrder(b.hop) || a.start - b.start);

  const proxySpan = first.get('proxy');
  const appSpan = first.get('gateway');
  const root = first.get('client') ?? proxySpan ?? appSpan ?? first.values().next().value!;
  const trace: Trace = {
    traceId: root.traceId,
    target: String(
      pick(
        proxySpan?.attributes[ATTR_HOPSCOPE_TARGET],
        first.get('client')?.attributes[ATTR_HOPSCOPE_TARGET],
        appSpan?.resource[ATTR_SERVICE_NAME],
      ) ?? 'unknown',
    ),
    method: pick(proxySpan && methodOf(proxySpan), appSpan && methodOf(appSpan)) ?? 'GET',
    path: pick(proxySpan && pathOf(proxySpan), appSpan && pathOf(appSpan)) ?? '/',
    start: hops.reduce((min, h) => Math.min(min, h.start), Infinity),
    inFlight: root.endMs === undefined,
    hops,
  };
  // The SERVER span's http.route is the whole template; an Express router span's is only its mount path.
  const routeName = pick(routeOf(appSpan), routeOf(view), routeOf(route));
  if (routeName !== undefined) trace.route = routeName;
  const status = pick(proxySpan && statusCodeOf(proxySpan), appSpan && statusCodeOf(appSpan));
  if (status !== undefined) trace.status = status;
  if (root.endMs !== undefined) trace.duration = root.endMs - root.startMs;
  const worker = workerOf(first);
  if (worker) trace.worker = worker;
  trace.spans = oldestFirst(tree);
  const error = pick(
    proxySpan?.attributes[ATTR_ERROR_TYPE],
    firstException?.type,
    hops.find((h) => h.error)?.error?.type,
    trace.spans.find(isAppFailure)?.error?.type,
  );
  if (error !== undefined) trace.error = String(error);
  const stack = stackOf(appSpans);
  if (stack) trace.stack = stack;
  const calls = callsOf(spans, hopBySpanId, tree, nowMs);
  if (calls.length > 0) trace.calls = calls.slice(0, MAX_CALLS_PER_TRACE);
  if (calls.length > MAX_CALLS_PER_TRACE) trace.callsDropped = calls.length - MAX_CALLS_PER_TRACE;
  addFindings(trace, calls);
  return trace;
}

/** A span's hop under the mapping (docs/otel.md); undefined for middleware and unmapped spans. */
export function hopOf(span: SpanRecord): HopName | undefined {
  const role = roleOf(span);
  return role === 'middleware' ? undefined : role;
}

/**
 * A span of the app that failed, hop or not (an outgoing call refused, a span
 * the app set to ERROR): any such span fails the request. The proxy's and
 * the browser's spans are left out: the proxy names its own failure on its
 * SERVER span (read first), marks a 5xx answer ERROR without it being its
 * failure, and a first attempt it resent is superseded by the resend.
 */
function isAppFailure(span: TraceSpan): boolean {
  if (!span.error) return false;
  const declared = span.attributes[ATTR_HOPSCOPE_HOP];
  return !(declared === 'client' || declared === 'proxy' || declared === 'server');
}

function declaresHop(span: SpanRecord): boolean {
  return isHopName(span.attributes[ATTR_HOPSCOPE_HOP]);
}

function pick<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

/** One hop from its span, or from the envelope of its spans (a handler chain, ASGI's `http send` spans). */
function measuredHop(hop: HopName, spans: readonly SpanRecord[], nowMs: number, attributes: Record<string, AttrScalar>): Hop {
  const span = spans[0]!;
  let end: number | undefined = span.endMs;
  for (const other of spans) end = end === undefined || other.endMs === undefined ? undefined : Math.max(end, other.endMs);
  const result: Hop = {
    hop,
    start: span.startMs,
    duration: Math.max(0, (end ?? nowMs) - span.startMs),
    measured: true,
    source: 'measured',
    inFlight: end === undefined,
    name: span.name,
    spanId: span.spanId,
    attributes,
  };
  for (const other of spans) {
    const status = statusCodeOf(other);
    if (status !== undefined) {
      result.status = status;
      break;
    }
  }
  return result;
}

/** The worker lane: `hopscope.worker`, else the process id, else the SDK's per-process `service.instance.id` (Python's default resource has no pid). */
function workerOf(first: Map<HopName, SpanRecord>): string | undefined {
  for (const hop of ['gateway', 'view', 'route', 'response'] as const) {
    const span = first.get(hop);
    const worker = span?.attributes[ATTR_HOPSCOPE_WORKER] ?? span?.resource[ATTR_PROCESS_PID] ?? span?.resource[ATTR_SERVICE_INSTANCE_ID];
    if (worker !== undefined) return String(worker);
  }
  return undefined;
}
