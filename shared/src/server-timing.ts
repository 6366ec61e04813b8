/**
 * Server-Timing response header (https://www.w3.org/TR/server-timing/):
 * `name;dur=12.3;desc="text", other;dur=4`. Parsing never throws; entries
 * that cannot be read are skipped.
 */
export interface ServerTimingEntry {
  name: string;
  /** Milliseconds, when given. */
  duration?: number;
  description?: string;
}

const MAX_HEADER_LENGTH = 8192;
const MAX_ENTRIES = 64;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function parseServerTiming(header: unknown): ServerTimingEntry[] {
  // Node gives repeated headers as string[]; anything else in an array (which join() could throw on) is not a header.
  const text = Array.isArray(header) ? (header.every((h) => typeof h === 'string') ? header.join(',') : undefined) : header;
  if (typeof text !== 'string' || text.length > MAX_HEADER_LENGTH) return [];
  const entries: ServerTimingEntry[] = [];
  for (const part of splitOutsideQuotes(text, ',')) {
    const entry = parseEntry(part);
    if (entry) entries.push(entry);
    if (entries.length >= MAX_ENTRIES) break;
  }
  return entries;
}

function parseEntry(part: string): ServerTimingEntry | undefined {
  const [rawName, ...params] = splitOutsideQuotes(part, ';');
  const name = rawName?.trim() ?? '';
  if (!TOKEN.test(name)) return undefined;
  const entry: ServerTimingEntry = { name };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    const value = unquote(param.slice(eq + 1).trim());
    if (key === 'dur' && entry.duration === undefined) {
      const duration = Number(value);
      if (value !== '' && Number.isFinite(duration) && duration >= 0) entry.duration = duration;
    } else if (key === 'desc' && entry.description === undefined) {
      entry.description = value;
    }
  }
  return entry;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Formats entries for a Server-Timing header (durations rounded to 0.01 ms). */
export function formatServerTiming(entries: readonly ServerTimingEntry[]): string {
  return entries
    .map((entry) => {
      let text = entry.name;
      if (entry.duration !== undefined) text += `;dur=${Math.round(entry.duration * 100) / 100}`;
      if (entry.description !== undefined) text += `;desc="${entry.description.replace(/["\\]/g, '\\$&')}"`;
      return text;
    })
    .join(', ');
}
