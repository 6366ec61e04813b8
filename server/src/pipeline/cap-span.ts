import type { Attributes, AttrValue, SpanRecord } from '@hopscope/shared';

/**
 * How big one span may be when it is kept: OpenTelemetry's own span limits
 * (SDK spec "Span Limits": 128 attributes, 128 events, 128 attributes per
 * event) plus a length per string, which the SDKs leave unlimited by
 * default, and a total per span, so that an 8 MiB attribute (or 128 events
 * of 128 long ones) costs the hub kilobytes, not megabytes.
 */
export interface SpanCaps {
  /** Characters kept of one string: a span name, an attribute key or value, an event name, the status message. */
  maxStringChars: number;
  /** Characters of strings kept in one span altogether (its resource apart). */
  maxSpanChars: number;
  maxAttributes: number;
  maxEvents: number;
  maxEventAttributes: number;
  maxArrayItems: number;
}

export const DEFAULT_SPAN_CAPS: SpanCaps = {
  maxStringChars: 16 * 1024,
  maxSpanChars: 64 * 1024,
  maxAttributes: 128,
  maxEvents: 128,
  maxEventAttributes: 128,
  maxArrayItems: 128,
};

/**
 * Cuts a span to the caps in place (spans arrive freshly decoded, owned by
 * the hub, like redactSpan's) and says whether anything was cut. A cut
 * string ends with a marker that says how much is missing; attributes and
 * events past the counts (or once the span's total is spent) are dropped.
 */
export function capSpan(span: SpanRecord, caps: SpanCaps = DEFAULT_SPAN_CAPS): boolean {
  const budget = new Budget(caps, caps.maxSpanChars);
  span.name = budget.text(span.name);
  capAttributes(span.attributes, caps.maxAttributes, budget);
  if (span.status.message !== undefined) span.status.message = budget.text(span.status.message);
  if (span.events.length > caps.maxEvents) {
    span.events.length = caps.maxEvents;
    budget.cut = true;
  }
  for (const event of span.events) {
    event.name = budget.text(event.name);
    capAttributes(event.attributes, caps.maxEventAttributes, budget);
  }
  return capResource(span.resource, caps) || budget.cut;
}

/** Resources already cut, and whether cutting them cut anything. */
const cappedResources = new WeakMap<Attributes, { caps: SpanCaps; cut: boolean }>();

/**
 * The resource is shared by the spans of one export (thousands of spans):
 * its own budget, cut once; cutting it again would change nothing, so later
 * spans reuse the answer.
 */
function capResource(resource: Attributes, caps: SpanCaps): boolean {
  const known = cappedResources.get(resource);
  if (known?.caps === caps) return known.cut;
  const budget = new Budget(caps, caps.maxSpanChars);
  capAttributes(resource, caps.maxAttributes, budget);
  cappedResources.set(resource, { caps, cut: budget.cut });
  return budget.cut;
}

/** Semantic-convention keys are short; a longer one is not a name but data. */
const MAX_KEY_CHARS = 256;
const MARKER = (missing: number) => `…[${missing} more characters cut by hopscope]`;

class Budget {
  cut = false;

  constructor(
    readonly caps: SpanCaps,
    private left: number,
  ) {}

  get spent(): boolean {
    return this.left <= 0;
  }

  /** An attribute key fits whole (it names the value) or the attribute goes. */
  key(key: string): boolean {
    if (key.length > MAX_KEY_CHARS || key.length > this.left) return false;
    this.left -= key.length;
    return true;
  }

  text(value: string): string {
    const room = Math.max(0, Math.min(this.caps.maxStringChars, this.left));
    if (value.length <= room) {
      this.left -= value.length;
      return value;
    }
    this.cut = true;
    this.left -= room;
    return copyOf(value, room) + MARKER(value.length - room);
  }

  value(value: AttrValue): AttrValue {
    if (typeof value === 'string') return this.text(value);
    if (!Array.isArray(value)) return value;
    if (value.length > this.caps.maxArrayItems) {
      value = value.slice(0, this.caps.maxArrayItems);
      this.cut = true;
    }
    return value.map((item) => (typeof item === 'string' ? this.text(item) : item));
  }
}

function capAttributes(attributes: Attributes, max: number, budget: Budget): void {
  let count = 0;
  for (const key of Object.keys(attributes)) {
    if (count >= max || budget.spent || !budget.key(key)) {
      delete attributes[key];
      budget.cut = true;
      continue;
    }
    count++;
    const value = attributes[key]!;
    const capped = budget.value(value);
    if (capped !== value) attributes[key] = capped;
  }
}

/**
 * The first `length` characters as a string of their own. V8 makes a short
 * slice of a long string a view that keeps the whole original alive (a
 * "sliced string"), which would keep every 8 MiB attribute in memory behind
 * its 16 KiB prefix; a copy does not. A lone high surrogate at the cut is dropped.
 */
function copyOf(value: string, length: number): string {
  let end = length;
  const last = value.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return Buffer.from(value.slice(0, end), 'utf16le').toString('utf16le');
}
