import { traceSchema, type Trace } from '@hopscope/shared';

/**
 * The whole trace (its span tree and logs) from the hub's API, for the
 * waterfall, when the live message carried only the hops. Validated where it
 * enters, like the live messages; undefined when the hub has nothing more.
 */
export async function fetchFullTrace(traceId: string): Promise<Trace | undefined> {
  const response = await fetch(`/api/traces/${encodeURIComponent(traceId)}${location.search}`).catch(() => undefined);
  if (!response?.ok) return undefined;
  const parsed = traceSchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success && parsed.data.spans ? parsed.data : undefined;
}
