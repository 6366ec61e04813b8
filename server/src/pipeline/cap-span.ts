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
  if (fitsCaps(span, caps)) return capResource(span.resource, caps);
  return walkCaps(span, caps);
}

/** capSpan without the read-only look first: every string and attribute through the budget (exported for the test that both agree). */
export function walkCaps(span: SpanRecord, caps: SpanCaps = DEFAULT_SPAN_CAPS): boolean {
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
  // The proxy's spans have an empty resource of their own each (its exporter adds the proxy's): nothing to cut or remember.
  if (isEmpty(resource)) return false;
  const known = cappedResources.get(resource);
  if (known?.caps === caps) return known.cut;
  const budget = new Budget(caps, caps.maxSpanChars);
  capAttributes(resource, caps.maxAttributes, budget);
  cappedResources.set(resource, { caps, cut: budget.cut });
  return budget.cut;
}

/**
 * Whether the span is within every cap with room to spare, read without
 * changing anything: almost every span is, and then it is taken as it came.
 * Strictly under the total, so that the budget was never spent at any step
 * of capSpan's walk; a span at or over it takes that walk.
 */
function fitsCaps(span: SpanRecord, caps: SpanCaps): boolean {
  let chars = fittingChars(span.name, caps) + fittingAttributesChars(span.attributes, caps.maxAttributes, caps);
  if (span.status.message !== undefined) chars += fittingChars(span.status.message, caps);
  const events = span.events;
  if (events.length > caps.maxEvents) return false;
  for (const event of events)
    chars += fittingChars(event.name, caps) + fittingAttributesChars(event.attributes, caps.maxEventAttributes, caps);
  return chars < caps.maxSpanChars;
}

/** A string's length if it fits a string's cap, else Infinity (which fails the total). */
function fittingChars(text: string, caps: SpanCaps): number {
  return text.length <= caps.maxStringChars ? text.length : Infinity;
}

function fittingAttributesChars(attributes: Attributes, max: number, caps: SpanCaps): number {
  let chars = 0;
  let count = 0;
  for (const key in attributes) {
    if (++count > max || key.length > MAX_KEY_CHARS) return Infinity;
    const value = attributes[key]!;
    chars += key.length;
    if (typeof value === 'string') chars += fittingChars(value, caps);
    else if (Array.isArray(value)) {
      if (value.length > caps.maxArrayItems) return Infinity;
      for (const item of value) if (typeof item === 'string') chars += fittingChars(item, caps);
    }
  }
  return chars;
}

function isEmpty(attributes: Attributes): boolean {
  for (const _ in attributes) return false;
  return true;
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
