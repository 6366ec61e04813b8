import type { FastifyPluginAsync } from 'fastify';
import { compareSpecSchema, type CompareRunAnswer, type CompareRunSummary, type TargetInfo, type Trace } from '@hopscope/shared';
import { HubError } from '../errors';
import { CompareRunner } from './runner';
import { latencyHistogram } from './histogram';

/** What the compare runner needs from the hub (the hub passes it in). */
export interface CompareDeps {
  /** The targets the hub knows, with their proxy URLs (the load goes through them). */
  targets(): TargetInfo[];
  /** Finished traces of one target that started at or after `sinceMs` (epoch ms). */
  tracesSince(target: string, sinceMs: number): Trace[];
}

/**
 * Compare runs under /api/compare: POST starts one (the spec in the body),
 * GET /api/compare/:id follows it, GET /api/compare lists the saved runs.
 */
export function compareRoutes(deps: CompareDeps): FastifyPluginAsync {
  return async (app) => {
    const runner = new CompareRunner(deps);
    app.post('/api/compare', async (request, reply) => {
      const parsed = compareSpecSchema.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HubError('HOPSCOPE_HUB_BAD_REQUEST', `compare spec: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
      }
      const known = deps.targets().map((t) => t.name);
      const unknown = parsed.data.targets.filter((t) => !known.includes(t));
      if (unknown.length > 0)
        throw new HubError(
          'HOPSCOPE_HUB_NOT_FOUND',
          `No target ${unknown.map((t) => `"${t}"`).join(', ')}; the hub has ${known.join(', ') || 'none'}`,
        );
      const run = runner.start(parsed.data);
      return reply.code(202).send({ id: run.id, status: run.status });
    });
    app.get('/api/compare', async (): Promise<CompareRunSummary[]> =>
      runner.list().map(({ id, spec, status, startedAt, comparisons }) => ({
        id,
        spec,
        status,
        startedAt,
        sentences: comparisons.map((c) => c.sentence),
      })),
    );
    app.get('/api/compare/:id', async (request): Promise<CompareRunAnswer> => {
      const run = runner.get((request.params as { id: string }).id);
      if (!run) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', 'No such compare run');
      // Raw samples stay in the hub; clients get a histogram of them.
      return { ...run, results: run.results.map(({ samples, ...rest }) => ({ ...rest, histogram: latencyHistogram(samples) })) };
    });
  };
}
