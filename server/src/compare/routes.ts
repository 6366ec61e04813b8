import type { FastifyPluginAsync } from 'fastify';
import type { TargetInfo, Trace } from '@hopscope/shared';

/** What the compare runner needs from the hub (the hub passes it in). */
export interface CompareDeps {
  /** The targets the hub knows, with their proxy URLs (the load goes through them). */
  targets(): TargetInfo[];
  /** Finished traces of one target that started at or after `sinceMs` (epoch ms). */
  tracesSince(target: string, sinceMs: number): Trace[];
}

/**
 * Compare routes under /api/compare (issue 5). Placeholder until the compare
 * runner lands: registers nothing.
 */
export function compareRoutes(_deps: CompareDeps): FastifyPluginAsync {
  return async () => {};
}
