import { z } from 'zod';

/**
 * What a compare run does, as the API and the CLI accept it. Closed loop:
 * `concurrency` connections, each sending when its last answer arrived. Open
 * loop: `rate` requests per second on a fixed schedule, whatever the server
 * does. A run is bounded by `durationMs` and by `requests`, whichever comes first.
 */
export const compareSpecSchema = z
  .object({
    targets: z.array(z.string().min(1)).min(2).max(8),
    paths: z
      .array(z.object({ path: z.string().startsWith('/'), weight: z.number().positive().default(1) }))
      .min(1)
      .default([{ path: '/', weight: 1 }]),
    method: z
      .string()
      .regex(/^[A-Z]+$/)
      .default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().optional(),
    concurrency: z.number().int().min(1).max(1024).default(8),
    rate: z.number().positive().max(100_000).optional(),
    durationMs: z.number().int().min(100).max(600_000).default(10_000),
    requests: z.number().int().min(1).max(10_000_000).optional(),
    warmupMs: z.number().int().min(0).max(60_000).default(1_000),
  })
  .strict();

export type CompareSpec = z.infer<typeof compareSpecSchema>;
export type CompareSpecInput = z.input<typeof compareSpecSchema>;

/** `20s`, `1.5m`, `500ms` or a number of seconds → milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000);
}

/** `/cpu?ms=20:3` → path with weight 3 (the weight after the last colon, when numeric). */
export function parseWeightedPath(text: string): { path: string; weight: number } {
  const match = /^(.*):(\d+(?:\.\d+)?)$/.exec(text);
  if (match && match[1]!.startsWith('/')) return { path: match[1]!, weight: Number(match[2]) };
  return { path: text, weight: 1 };
}
