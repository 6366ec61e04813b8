import { RECORDING_VERSION, type Recording, type SpanRecord, type TargetInfo, type Trace } from '@hopscope/shared';
import { assembleTrace } from '../pipeline/assemble';

/**
 * Spans (from a file, an import or the Record button) → the Recording the
 * dashboard's player takes: assembled per trace id, finished traces only,
 * oldest first. Targets come from the traces; the known ones (a live hub's)
 * keep their upstream and proxy, others get ''.
 */
export function buildRecording(spans: readonly SpanRecord[], title: string, known: readonly TargetInfo[] = []): Recording {
  const byTrace = new Map<string, SpanRecord[]>();
  let lastEnd = 0;
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
    if (span.endMs !== undefined && span.endMs > lastEnd) lastEnd = span.endMs;
  }
  const traces: Trace[] = [];
  for (const list of byTrace.values()) {
    const trace = assembleTrace(list, lastEnd);
    if (trace && !trace.inFlight) traces.push(trace);
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
