import type { z } from 'zod';
import { HubError } from '../errors';

/** A real export nests about 13 levels (array attribute values a few more); kvlistValue is not read. */
export const MAX_JSON_DEPTH = 64;

/**
 * What every OTLP/HTTP JSON decoder (traces, logs, metrics) does before it
 * reads its signal: parse the text (an empty body is an empty request),
 * refuse hostile nesting before anything recursive sees it, check the shape
 * with the signal's schema. Each failure is HOPSCOPE_HUB_BAD_OTLP.
 */
export function parseJsonBody(text: string): unknown {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new HubError('HOPSCOPE_HUB_BAD_OTLP', 'the body is not JSON', { cause: error });
  }
  refuseDeepNesting(raw);
  return raw;
}

/** zod's recursive schemas would overflow the stack on hostile nesting: refused first. */
export function refuseDeepNesting(raw: unknown): void {
  if (nestedDeeperThan(raw, MAX_JSON_DEPTH))
    throw new HubError('HOPSCOPE_HUB_BAD_OTLP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** `schema`'s reading of `raw`, or its first issue as the error (`JSON logs: resourceLogs.0 …`). */
export function checkedBy<T>(schema: z.ZodType<T>, raw: unknown, label: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HubError('HOPSCOPE_HUB_BAD_OTLP', `${label}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
}

/** Checked without recursion, so the check itself cannot overflow; only objects and arrays are stacked. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const items: object[] = [];
  const depths: number[] = [];
  if (value !== null && typeof value === 'object') {
    items.push(value);
    depths.push(0);
  }
  while (items.length > 0) {
    const item = items.pop()!;
    const depth = depths.pop()!;
    if (depth >= limit) return true;
    const children: unknown[] = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      if (child === null || typeof child !== 'object') continue;
      items.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}
