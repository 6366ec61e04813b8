/** What the hub did with one OTLP export: how many items it refused, and why (OTLP "partial success"). */
export interface ExportOutcome {
  rejected: number;
  message?: string;
}

export const ACCEPTED: ExportOutcome = { rejected: 0 };

/**
 * An Export*ServiceResponse. The three signals share its shape:
 * `partial_success` (field 1) holding `rejected_<items>` (field 1, int64) and
 * `error_message` (field 2); the JSON mapping names the count after the
 * items (`rejectedSpans`, `rejectedLogRecords`, `rejectedDataPoints`) and
 * writes the int64 as a string. A full success is the empty message: `{}`,
 * or zero bytes.
 */
export function exportResponseJson(outcome: ExportOutcome, rejectedName: string): string {
  if (outcome.rejected === 0 && !outcome.message) return '{}';
  const partialSuccess: Record<string, string> = { [rejectedName]: String(outcome.rejected) };
  if (outcome.message) partialSuccess.errorMessage = outcome.message;
  return JSON.stringify({ partialSuccess });
}

export function exportResponseProtobuf(outcome: ExportOutcome): Buffer {
  if (outcome.rejected === 0 && !outcome.message) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  if (outcome.rejected > 0) parts.push(Buffer.from([0x08]), varint(outcome.rejected));
  if (outcome.message) {
    const text = Buffer.from(outcome.message, 'utf8');
    parts.push(Buffer.from([0x12]), varint(text.length), text);
  }
  const partialSuccess = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x0a]), varint(partialSuccess.length), partialSuccess]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
