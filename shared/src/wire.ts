import { z } from 'zod';
import { HOPS } from './hops';
import type { Call, Caller, Finding, Hop, HopError, TargetInfo, Trace, TraceLog, TraceSpan } from './model';
import type { LiveMessage } from './wire-types';
import { RECORDING_VERSION, type Recording } from './recording';
import type { StatsSnapshot } from './stats';

/**
 * Runtime schemas for what crosses a trust boundary: messages the dashboard
 * receives, and traces served by the API. Validate where data enters;
 * everything else uses the static types in model.ts / stats.ts.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const hopErrorSchema = z.object({
  type: z.string(),
  message: z.string().optional(),
  stack: z.string().optional(),
});

export const hopSchema = z.object({
  hop: z.enum(HOPS),
  start: z.number(),
  duration: z.number(),
  measured: z.boolean(),
  source: z.enum(['measured', 'derived', 'synthesized']),
  inFlight: z.boolean(),
  name: z.string().optional(),
  spanId: z.string().optional(),
  status: z.number().optional(),
  error: hopErrorSchema.optional(),
  attributes: z.record(z.string(), scalar),
  imprecise: z.boolean().optional(),
});

const spanKindSchema = z.enum(['internal', 'server', 'client', 'producer', 'consumer']);
const spanStatusSchema = z.enum(['unset', 'ok', 'error']);

export const traceSpanSchema = z.object({
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  kind: spanKindSchema,
  start: z.number(),
  duration: z.number(),
  inFlight: z.boolean(),
  service: z.string().optional(),
  scope: z.string().optional(),
  hop: z.enum(HOPS).optional(),
  status: spanStatusSchema,
  error: hopErrorSchema.optional(),
  attributes: z.record(z.string(), scalar),
});

export const traceLogSchema = z.object({
  time: z.number(),
  severity: z.string(),
  body: z.string(),
  spanId: z.string().optional(),
  hop: z.enum(HOPS).optional(),
  service: z.string().optional(),
  attributes: z.record(z.string(), scalar),
});

export const callSchema = z.object({
  kind: z.enum(['db', 'http', 'cache', 'messaging', 'other']),
  name: z.string(),
  system: z.string().optional(),
  target: z.string().optional(),
  statement: z.string().optional(),
  start: z.number(),
  duration: z.number(),
  hop: z.enum(HOPS).optional(),
  status: z.number().optional(),
  error: z.string().optional(),
  spanId: z.string().optional(),
  request: z.string().optional(),
  requestTarget: z.string().optional(),
});

export const callerSchema = z.object({ request: z.string(), target: z.string().optional(), spanId: z.string() });

export const findingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('repeated_query'), statement: z.string(), count: z.number(), totalMs: z.number() }),
  z.object({
    kind: z.literal('sequential_calls'),
    count: z.number(),
    totalMs: z.number(),
    savedMs: z.number(),
    targets: z.array(z.string()),
  }),
  z.object({ kind: z.literal('blocked_event_loop'), ms: z.number() }),
]);

export const traceSchema = z.object({
  traceId: z.string(),
  target: z.string(),
  method: z.string(),
  path: z.string(),
  route: z.string().optional(),
  status: z.number().optional(),
  start: z.number(),
  duration: z.number().optional(),
  worker: z.string().optional(),
  error: z.string().optional(),
  inFlight: z.boolean(),
  hops: z.array(hopSchema),
  stack: z.enum(['wsgi', 'asgi', 'node', 'other']).optional(),
  spans: z.array(traceSpanSchema).optional(),
  logs: z.array(traceLogSchema).optional(),
  calls: z.array(callSchema).optional(),
  callsDropped: z.number().optional(),
  findings: z.array(findingSchema).optional(),
  calledBy: callerSchema.optional(),
});

export const targetInfoSchema = z.object({
  name: z.string(),
  upstream: z.string(),
  proxy: z.string(),
  state: z.enum(['starting', 'ready', 'failed']).optional(),
  error: z.string().optional(),
});

const percentilesSchema = z.object({
  count: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  mean: z.number(),
});

export const statsSnapshotSchema = z.object({
  at: z.number(),
  windowMs: z.number(),
  hub: z.object({
    spansReceived: z.number(),
    spansDropped: z.number(),
    tracesStored: z.number(),
    tracesEvicted: z.number(),
    ingestLagMs: z.number(),
    liveClients: z.number(),
    liveDropped: z.number(),
    ingestRefused: z.number().optional(),
    proxyDropped: z.number().optional(),
    spansTruncated: z.number().optional(),
    storeBytes: z.number().optional(),
    liveEvicted: z.number().optional(),
    exportDropped: z.number().optional(),
    exportError: z.string().optional(),
    recordDropped: z.number().optional(),
    recordError: z.string().optional(),
  }),
  targets: z.record(
    z.string(),
    z.object({
      target: z.string(),
      requests: z.number(),
      errors: z.number(),
      rps: z.number(),
      errorRate: z.number(),
      inFlight: z.number(),
      queueDepth: z.number(),
      latency: percentilesSchema,
      hops: z.partialRecord(z.enum(HOPS), percentilesSchema),
      workers: z.record(z.string(), z.object({ requests: z.number(), busyMs: z.number() })),
    }),
  ),
});

export const liveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), serverTime: z.number(), targets: z.array(targetInfoSchema) }),
  z.object({ type: z.literal('trace'), trace: traceSchema }),
  z.object({ type: z.literal('stats'), stats: statsSnapshotSchema }),
  z.object({ type: z.literal('dropped'), count: z.number() }),
  z.object({
    type: z.literal('scenario'),
    step: z.number(),
    steps: z.number(),
    caption: z.string(),
    focusTraceId: z.string().optional(),
    rate: z.number().positive().max(1).optional(),
    done: z.boolean().optional(),
  }),
]);

export const recordingSchema = z.object({
  version: z.literal(RECORDING_VERSION),
  title: z.string(),
  targets: z.array(targetInfoSchema),
  traces: z.array(traceSchema),
  start: z.number(),
  end: z.number(),
});

/** Parses a recording (embedded in an exported page, or from the hub); undefined when invalid. */
export function parseRecording(data: unknown): Recording | undefined {
  const result = recordingSchema.safeParse(data);
  return result.success ? result.data : undefined;
}

/** Parses one live-stream message; returns undefined (never throws) when invalid. */
export function parseLiveMessage(raw: string): LiveMessage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const result = liveMessageSchema.safeParse(data);
  return result.success ? result.data : undefined;
}

/**
 * The schemas above and the types in model.ts, stats.ts, recording.ts and
 * wire-types.ts describe the same data twice (the types carry the docs, the
 * schemas check what enters). These assertions make any drift, in either
 * direction, a type error.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertSame<T extends true>(): T | undefined {
  return undefined;
}
assertSame<Same<z.infer<typeof hopErrorSchema>, HopError>>();
assertSame<Same<z.infer<typeof hopSchema>, Hop>>();
assertSame<Same<z.infer<typeof traceSpanSchema>, TraceSpan>>();
assertSame<Same<z.infer<typeof traceLogSchema>, TraceLog>>();
assertSame<Same<z.infer<typeof callSchema>, Call>>();
assertSame<Same<z.infer<typeof findingSchema>, Finding>>();
assertSame<Same<z.infer<typeof callerSchema>, Caller>>();
assertSame<Same<z.infer<typeof traceSchema>, Trace>>();
assertSame<Same<z.infer<typeof targetInfoSchema>, TargetInfo>>();
assertSame<Same<z.infer<typeof statsSnapshotSchema>, StatsSnapshot>>();
assertSame<Same<z.infer<typeof liveMessageSchema>, LiveMessage>>();
assertSame<Same<z.infer<typeof recordingSchema>, Recording>>();
