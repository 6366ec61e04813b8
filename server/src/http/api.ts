import type { FastifyInstance } from 'fastify';
import type { StatsSnapshot, TargetInfo, Trace } from '@hopscope/shared';
import { HubError } from '../errors';
import type { TraceStore } from '../pipeline/store';
import { targetState } from './health';
import { jsonArrayPieces, pacedText } from './paced';

export interface ApiDeps {
  store: TraceStore;
  targets(): TargetInfo[];
  stats(): StatsSnapshot;
  /** The trace with the log records that carry its id. */
  withLogs(trace: Trace): Trace;
}

const MAX_LIMIT = 1000;
/** Spans (estimated bytes, span-size.ts) one /api/traces answer may be built from: its JSON stays tens of MiB at most. */
const MAX_LIST_BYTES = 32 * 1024 * 1024;
/** Traces serialized per piece of a /api/traces answer (http/paced.ts): a few milliseconds of work each. */
const TRACES_PER_PIECE = 100;

/** The REST API (DESIGN.md "Interfaces"): targets, traces, one trace, stats. */
export async function restApi(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  // Every configured target from the first answer, each with its state (starting until its proxy listens).
  app.get('/api/targets', async () => deps.targets().map((target) => ({ ...target, state: targetState(target) })));

  app.get('/api/traces', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new HubError('HOPSCOPE_HUB_BAD_REQUEST', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    const { traces, complete } = await deps.store.listWithinPaced(
      { target: query.target, status: query.status, route: query.route, limit },
      MAX_LIST_BYTES,
    );
    // Fewer than asked for, because the answer would have grown past its bound: said in a header, the body stays an array.
    if (!complete) void reply.header('x-hopscope-truncated', 'bytes');
    // Up to 1000 traces: serialized a piece at a time, so the answer does not hold the loop (docs/reliability.md).
    return reply.type('application/json; charset=utf-8').send(pacedText(jsonArrayPieces(traces, TRACES_PER_PIECE)));
  });

  app.get('/api/traces/:traceId', async (request) => {
    const { traceId } = request.params as { traceId: string };
    const trace = deps.store.get(traceId.toLowerCase());
    if (!trace) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `No trace ${traceId.slice(0, 64)} in the window`);
    return deps.withLogs(trace);
  });

  app.get('/api/stats', async (request) => {
    const { target } = request.query as { target?: string };
    const snapshot = deps.stats();
    if (!target) return snapshot;
    // Own keys only: "__proto__", "constructor" or "toString" name no target.
    const one = Object.hasOwn(snapshot.targets, target) ? snapshot.targets[target] : undefined;
    if (!one) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `No target "${target.slice(0, 64)}"`);
    return { ...snapshot, targets: { [target]: one } };
  });
}
