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
  // On the text, once it parsed: the same answer as walking the value, without an array made per object.
  if (textNestedDeeperThan(text, MAX_JSON_DEPTH))
    throw new HubError('HOPSCOPE_HUB_BAD_OTLP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  return raw;
}

/**
 * nestedDeeperThan(JSON.parse(text), limit) for valid JSON text, by counting
 * brackets outside strings: the value at depth d (the root is 0) opens the
 * (d + 1)th bracket.
 */
export function textNestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Most of an export's text is inside strings (keys, values, ids): jump to each string's end (indexOf is native).
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open`: the first one not escaped by an odd run of backslashes. */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return text.length;
}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

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
