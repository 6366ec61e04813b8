import {
  APP_HOPS,
  ATTR_DB_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_STATEMENT,
  ATTR_DB_SYSTEM,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HOPSCOPE_HOP,
  ATTR_HTTP_METHOD,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_URL,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_SYSTEM,
  ATTR_NET_PEER_NAME,
  ATTR_NET_PEER_PORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  type Call,
  type CallKind,
  type HopName,
  type SpanRecord,
  type TraceSpan,
} from '@hopscope/shared';
import { statusCodeOf } from './http-attributes';
import { normalizeStatement } from './normalize-statement';
import { redactUrlQuery } from './redact-span';
import { enclosingHop } from './span-tree';

/** Calls listed per request; the rest are counted (`callsDropped`). Findings still see them all. */
export const MAX_CALLS_PER_TRACE = 200;

/** Key-value stores the conventions file under `db.*` that the picture shows as a cache. */
const CACHE_SYSTEMS: ReadonlySet<string> = new Set(['redis', 'valkey', 'memcached']);

/**
 * Every outgoing call the app made: each CLIENT span below the app's hops
 * (gateway, route, view, response) that does not measure a hop itself (the
 * proxy's CLIENT span is the `server` hop, the browser's the `client` hop).
 * Oldest first.
 */
export function callsOf(
  spans: readonly SpanRecord[],
  hopBySpanId: ReadonlyMap<string, HopName>,
  tree: ReadonlyMap<string, TraceSpan>,
  nowMs: number,
): Call[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const calls: Call[] = [];
  for (const span of spans) {
    if (span.kind !== 'client' || hopBySpanId.has(span.spanId) || span.attributes[ATTR_HOPSCOPE_HOP] !== undefined) continue;
    const hop = enclosingHop(span, byId, hopBySpanId);
    if (hop !== undefined && !APP_HOPS.includes(hop)) continue;
    calls.push(callOf(span, hop, tree.get(span.spanId), nowMs));
  }
  return calls.sort((a, b) => a.start - b.start);
}

/** What the semantic conventions say the call is: database, cache, messaging, HTTP, else other. */
export function callKindOf(span: SpanRecord): CallKind {
  const db = dbSystemOf(span);
  if (db !== undefined) return CACHE_SYSTEMS.has(db.toLowerCase()) ? 'cache' : 'db';
  if (text(span.attributes[ATTR_MESSAGING_SYSTEM]) !== undefined) return 'messaging';
  const method = span.attributes[ATTR_HTTP_REQUEST_METHOD] ?? span.attributes[ATTR_HTTP_METHOD];
  if (method !== undefined && (addressOf(span) !== undefined || urlOf(span) !== undefined)) return 'http';
  return 'other';
}

function callOf(span: SpanRecord, hop: HopName | undefined, traced: TraceSpan | undefined, nowMs: number): Call {
  const kind = callKindOf(span);
  const call: Call = {
    kind,
    name: span.name,
    start: span.startMs,
    duration: Math.max(0, (span.endMs ?? nowMs) - span.startMs),
    spanId: span.spanId,
  };
  const system = kind === 'http' ? 'http' : (dbSystemOf(span) ?? text(span.attributes[ATTR_MESSAGING_SYSTEM]));
  if (system !== undefined) call.system = system;
  const target = targetOf(span, kind);
  if (target !== undefined) call.target = target;
  const statement = text(span.attributes[ATTR_DB_QUERY_TEXT]) ?? text(span.attributes[ATTR_DB_STATEMENT]);
  // Spans are normalised on arrival (redact-span.ts); normalising again costs little and is a no-op then.
  if (statement !== undefined && (kind === 'db' || kind === 'cache')) call.statement = normalizeStatement(statement, system);
  if (hop !== undefined) call.hop = hop;
  const status = statusCodeOf(span);
  if (status !== undefined) call.status = status;
  const error = traced?.error;
  if (error) call.error = error.type;
  return call;
}

function targetOf(span: SpanRecord, kind: CallKind): string | undefined {
  const address = addressOf(span);
  if (kind === 'http') {
    const url = urlOf(span);
    return url !== undefined ? redactUrlQuery(url) : address;
  }
  if (kind === 'messaging') return text(span.attributes[ATTR_MESSAGING_DESTINATION_NAME]) ?? address;
  const namespace = text(span.attributes[ATTR_DB_NAMESPACE]) ?? text(span.attributes[ATTR_DB_NAME]);
  if (address !== undefined && namespace !== undefined) return `${address}/${namespace}`;
  return namespace ?? address;
}

export function dbSystemOf(span: SpanRecord): string | undefined {
  return text(span.attributes[ATTR_DB_SYSTEM_NAME]) ?? text(span.attributes[ATTR_DB_SYSTEM]);
}

/** `server.address[:port]`, or the older `net.peer.*` pair. */
function addressOf(span: SpanRecord): string | undefined {
  const host = text(span.attributes[ATTR_SERVER_ADDRESS]) ?? text(span.attributes[ATTR_NET_PEER_NAME]);
  if (host === undefined) return undefined;
  const port = span.attributes[ATTR_SERVER_PORT] ?? span.attributes[ATTR_NET_PEER_PORT];
  return port === undefined || port === '' ? host : `${host}:${String(port)}`;
}

function urlOf(span: SpanRecord): string | undefined {
  return text(span.attributes[ATTR_URL_FULL]) ?? text(span.attributes[ATTR_HTTP_URL]);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}
