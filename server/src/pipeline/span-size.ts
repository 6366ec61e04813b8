import type { Attributes, SpanRecord } from '@hopscope/shared';

/** A span object, its ids, times and status, before any string or attribute (V8, measured roughly). */
const SPAN_OVERHEAD = 400;
/** One attribute's slot in its object, apart from its key and value text. */
const ATTRIBUTE_OVERHEAD = 48;

/**
 * About how many bytes a stored span holds: strings at two bytes a
 * character (V8's two-byte strings, the worst case), plus fixed overheads.
 * The store bounds its window with it; the resource is left out (the spans
 * of one export share one resource object).
 */
export function spanBytes(span: SpanRecord): number {
  let bytes = SPAN_OVERHEAD + 2 * (span.name.length + span.spanId.length + (span.status.message?.length ?? 0));
  bytes += attributesBytes(span.attributes);
  for (const event of span.events) bytes += SPAN_OVERHEAD / 4 + 2 * event.name.length + attributesBytes(event.attributes);
  return bytes;
}

function attributesBytes(attributes: Attributes): number {
  let bytes = 0;
  for (const key in attributes) {
    const value = attributes[key]!;
    bytes += ATTRIBUTE_OVERHEAD + 2 * key.length;
    if (typeof value === 'string') bytes += 2 * value.length;
    else if (Array.isArray(value)) for (const item of value) bytes += 16 + (typeof item === 'string' ? 2 * item.length : 8);
    else bytes += 8;
  }
  return bytes;
}
