import { RECORDING_VERSION, type Recording, type SpanRecord, type TargetInfo, type Trace } from '@hopscope/shared';
import { yieldToLoop } from '../http/paced';
import { TraceStore } from '../pipeline/store';

/** As in the live window (pipeline.ts): a recorded request keeps at most this many spans. */
const MAX_SPANS_PER_REQUEST = 256;

/**
 * Spans (from a file, an import or the Record button) → the Recording the
 * dashboard's player takes: assembled per request, finished ones only,
 * oldest first. Targets come from the traces; the known ones (a live hub's)
 * keep their upstream and proxy, others get ''.
 */
export function buildRecording(spans: readonly SpanRecord[], title: string, known: readonly TargetInfo[] = []): Recording {
  // The live window's own rules: one trace per request (many may share a trace id), and as many spans per request.
  const store = new TraceStore({ maxTraces: Infinity, maxSpansPerTrace: MAX_SPANS_PER_REQUEST });
  let lastEnd = 0;
  for (const span of spans) {
    store.add(span);
    if (span.endMs !== undefined && span.endMs > lastEnd) lastEnd = span.endMs;
  }
  return recordingOf([...store.traces(lastEnd)], title, known);
}

/** Spans between turns of the event loop while a recording is built for an answer. */
const SPANS_PER_TURN = 1000;

/**
 * buildRecording for an HTTP answer (the Record button's spans, up to
 * 256 MiB of them): the same result, with the event loop turning every
 * SPANS_PER_TURN spans stored and SPANS_PER_TURN / 4 traces assembled, so the hub keeps
 * serving meanwhile.
 */
export async function buildRecordingPaced(
  spans: readonly SpanRecord[],
  title: string,
  known: readonly TargetInfo[] = [],
): Promise<Recording> {
  const store = new TraceStore({ maxTraces: Infinity, maxSpansPerTrace: MAX_SPANS_PER_REQUEST });
  let lastEnd = 0;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    store.add(span);
    if (span.endMs !== undefined && span.endMs > lastEnd) lastEnd = span.endMs;
    if (i % SPANS_PER_TURN === SPANS_PER_TURN - 1) await yieldToLoop();
  }
  const traces: Trace[] = [];
  for (const trace of store.traces(lastEnd)) {
    traces.push(trace);
    if (traces.length % (SPANS_PER_TURN / 4) === 0) await yieldToLoop();
  }
  return recordingOf(traces, title, known);
}

/** Already assembled traces (the hub's window) → a Recording. */
export function recordingOf(traces: readonly Trace[], title: string, known: readonly TargetInfo[] = []): Recording {
  const sorted = traces.filter((t) => !t.inFlight).sort((a, b) => a.start - b.start);
  const names = [...new Set(sorted.map((t) => t.target))];
  const targets = names.map((name) => known.find((t) => t.name === name) ?? { name, upstream: '', proxy: '' });
  const start = sorted[0]?.start ?? 0;
  const end = sorted.reduce((max, t) => Math.max(max, t.start + (t.duration ?? 0)), start);
  return { version: RECORDING_VERSION, title, targets, traces: sorted, start, end };
}
