import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Recording, SpanRecord, TargetInfo } from '@hopscope/shared';
import { HubError } from '../errors';
import { decodeExportRequestJson, decodeExportRequestValue } from '../otlp/json';
import { capSpan } from '../pipeline/cap-span';
import { redactSpan } from '../pipeline/redact-span';
import { buildRecording } from './build';

/**
 * Spans from OTLP JSON in the shapes tools write: JSON lines (one
 * ExportTraceServiceRequest per line, blank lines ignored — the Collector
 * file exporter), or one JSON document (a request, or an array of them).
 * `where(n)` names the failing element: "talk.jsonl line 3", "element 2".
 * Secrets are redacted here too: a file from elsewhere may carry them.
 */
export function decodeOtlpJsonText(text: string, where: { line(n: number): string; element(n: number): string }): SpanRecord[] {
  const whole = parseWhole(text);
  if (whole !== undefined) return decodeOtlpJsonValues(Array.isArray(whole) ? whole : [whole], where.element);
  const spans: SpanRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    append(
      spans,
      decodeOne(() => decodeExportRequestJson(line), where.line(i + 1)),
    );
  }
  return spans;
}

/** Already parsed ExportTraceServiceRequest objects (POST /api/import's body). */
export function decodeOtlpJsonValues(values: readonly unknown[], where: (n: number) => string): SpanRecord[] {
  const spans: SpanRecord[] = [];
  values.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new HubError('HOPSCOPE_HUB_BAD_OTLP', `${where(i)}: expected an ExportTraceServiceRequest object ({"resourceSpans":[…]})`);
    }
    append(
      spans,
      decodeOne(() => decodeExportRequestValue(value), where(i)),
    );
  });
  return spans;
}

/** Reads a recording file (for `hopscope replay` and `hopscope export`). */
export async function readRecordingFile(file: string, known: readonly TargetInfo[] = []): Promise<Recording> {
  const text = await readFile(file, 'utf8');
  const name = basename(file);
  const spans = decodeOtlpJsonText(text, { line: (n) => `${name} line ${n}`, element: (n) => `${name} element ${n}` });
  return buildRecording(spans, name, known);
}

/** `push(...more)` passes every element as an argument and throws RangeError past ~125k of them: one element can hold more spans. */
function append<T>(list: T[], more: readonly T[]): void {
  for (const item of more) list.push(item);
}

function decodeOne(decode: () => SpanRecord[], where: string): SpanRecord[] {
  try {
    // Redacted and cut to size like spans that arrive live (pipeline.ts).
    return decode().map((span) => {
      capSpan(redactSpan(span));
      return span;
    });
  } catch (error) {
    const message = error instanceof HubError ? error.message.split('. ')[0] : String(error);
    throw new HubError('HOPSCOPE_HUB_BAD_OTLP', `${where}: ${message}`, { cause: error });
  }
}

/** The text as one JSON document, or undefined when it is not one (JSON lines, or broken). */
function parseWhole(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  // A pretty-printed document or an array; JSON lines with more than one line never parse whole.
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
