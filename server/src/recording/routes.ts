import type { FastifyInstance } from 'fastify';
import type { Recording, SpanRecord, TargetInfo, Trace } from '@hopscope/shared';
import { HubError } from '../errors';
import { pacedText } from '../http/paced';
import { toExportRequest } from '../otlp/encode';
import { buildRecording, buildRecordingPaced, recordingOf } from './build';
import type { FileRecorder } from './file-recorder';
import { selfContainedHtmlPieces } from './html';
import type { MemoryRecorder } from './memory-recorder';
import { decodeOtlpJsonValues } from './read';

export interface RecordingRouteDeps {
  replay?: Recording;
  memory: MemoryRecorder;
  file?: FileRecorder;
  targets(): TargetInfo[];
  /** The hub's current window, for an export when nothing was recorded. */
  traces(): Iterable<Trace>;
  uiDir?: string;
}

const IMPORT_LIMIT = 64 * 1024 * 1024;
/** The exported page holds span names from strangers: should a browser ever show it from here, it runs in an opaque origin, not the hub's. */
const EXPORT_CSP = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
const SPANS_PER_LINE = 512;

/** Talk mode's API (README "Talk mode"): replay, import, the Record button, the HTML export. */
export async function recordingRoutes(app: FastifyInstance, deps: RecordingRouteDeps): Promise<void> {
  // Scoped to these routes: an import that is not JSON is bad OTLP, said with our code.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, JSON.parse(String(text)));
    } catch (error) {
      done(new HubError('HOPSCOPE_HUB_BAD_OTLP', 'the body is not JSON', { cause: error }), undefined);
    }
  });
  // Not replaying is the usual answer, not an error: 204, so a live page load logs nothing in the console.
  app.get('/api/replay', async (_request, reply) => (deps.replay ? deps.replay : reply.code(204).send()));

  app.post('/api/import', { bodyLimit: IMPORT_LIMIT }, async (request) => {
    const title = String((request.query as { title?: string }).title ?? 'import').slice(0, 200);
    const body = request.body;
    if (body === undefined || body === null || typeof body !== 'object')
      throw new HubError('HOPSCOPE_HUB_BAD_OTLP', 'Send a JSON object or array with Content-Type application/json');
    const values = Array.isArray(body) ? body : [body];
    const spans = decodeOtlpJsonValues(values, (i) => (Array.isArray(body) ? `element ${i}` : 'the body'));
    return buildRecording(spans, title, deps.targets());
  });

  app.get('/api/recording', async () => deps.memory.status(deps.file?.status()));

  app.post('/api/recording', async (request) => {
    const action = (request.body as { action?: unknown } | undefined)?.action;
    if (action === 'start') deps.memory.start();
    else if (action === 'stop') deps.memory.stop();
    else throw new HubError('HOPSCOPE_HUB_BAD_REQUEST', 'Send {"action":"start"} or {"action":"stop"}');
    return deps.memory.status(deps.file?.status());
  });

  app.get('/api/recording.jsonl', async (_request, reply) => {
    const spans = deps.memory.recorded();
    if (spans.length === 0) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', 'Nothing was recorded: press Record, use the app, then Stop');
    return reply
      .type('application/x-ndjson')
      .header('content-disposition', `attachment; filename="hopscope-${stamp(new Date())}.jsonl"`)
      .send(pacedText(jsonLines(spans)));
  });

  app.get('/api/export.html', async (_request, reply) => {
    const html = await selfContainedHtmlPieces(deps.uiDir, await exportedRecording(deps));
    return reply
      .type('text/html; charset=utf-8')
      .header('content-disposition', 'attachment; filename="hopscope-recording.html"')
      .header('content-security-policy', EXPORT_CSP)
      .send(pacedText(html));
  });
}

/** Replay mode: the replayed recording; live: the Record button's spans, else the current window. */
async function exportedRecording(deps: RecordingRouteDeps): Promise<Recording> {
  if (deps.replay) return deps.replay;
  const spans = deps.memory.recorded();
  if (spans.length > 0) return buildRecordingPaced(spans, 'hopscope recording', deps.targets());
  return recordingOf([...deps.traces()], 'hopscope session', deps.targets());
}

export function toJsonLines(spans: readonly SpanRecord[]): string {
  return [...jsonLines(spans)].join('');
}

/** One OTLP JSON line per SPANS_PER_LINE spans, made as they are sent (http/paced.ts). */
function* jsonLines(spans: readonly SpanRecord[]): Iterable<string> {
  for (let i = 0; i < spans.length; i += SPANS_PER_LINE) yield `${JSON.stringify(toExportRequest(spans.slice(i, i + SPANS_PER_LINE)))}\n`;
}

/** YYYYMMDD-HHMMSS in local time, as a speaker reads the file name. */
function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
