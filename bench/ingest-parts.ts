import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanRecord } from '@hopscope/shared';
import { formerServerModule } from './former-server';
import { sdkBatch, SPANS_PER_BATCH } from './sdk-batches';

/**
 * `npx tsx bench/ingest-parts.ts [REV] [ROUNDS]`: the hub's share of OTLP
 * ingest, without HTTP, now and (given REV) at git revision REV, taking turns:
 * decoding batches of 4,000 real SDK spans (protobuf, JSON) and
 * `pipeline.ingest` (redact, cap, store, with the 10,000-trace window full
 * and evicting), each as spans per CPU-second (process.cpuUsage), median of
 * ROUNDS (default 5). To profile the current code alone:
 * `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/ingest-parts.ts none`.
 */
const BATCHES = 12;
const [rev = 'none', roundsArg = '5'] = process.argv.slice(2);
const rounds = Math.min(Math.max(Number(roundsArg), 1), 20);

type ProtobufModule = typeof import('../server/src/otlp/protobuf');
type JsonModule = typeof import('../server/src/otlp/json');
type PipelineModule = typeof import('../server/src/pipeline/pipeline');

const protobuf = Array.from({ length: BATCHES }, (_, i) => Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkBatch(i))!));
const json = Array.from({ length: BATCHES }, (_, i) =>
  new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkBatch(BATCHES + i))!),
);
let nextBatch = 2 * BATCHES;

/** One measurement: spans per CPU-second of one step (anything it prepares first is not timed). */
type Part = () => number;

function timed(spans: number, work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return Math.round(spans / ((used.user + used.system) / 1e6));
}

async function partsOf(label: string, load: <T>(path: string) => Promise<T>): Promise<Array<[string, Part]>> {
  const { decodeExportRequestProtobuf } = await load<ProtobufModule>('otlp/protobuf.ts');
  const { decodeExportRequestJson } = await load<JsonModule>('otlp/json.ts');
  const pipeline = (await load<PipelineModule>('pipeline/pipeline.ts')).createPipeline({}, () => {});
  const spans = BATCHES * SPANS_PER_BATCH;
  return [
    [`protobuf decode, ${label}`, () => timed(spans, () => protobuf.forEach((body) => decodeExportRequestProtobuf(body)))],
    [`JSON decode, ${label}`, () => timed(spans, () => json.forEach((text) => decodeExportRequestJson(text)))],
    [
      `pipeline.ingest, ${label}`,
      () => {
        // Fresh batches each time (made before the clock starts): ingest redacts and stores them in place.
        const batches: SpanRecord[][] = [];
        for (let i = 0; i < BATCHES; i++)
          batches.push(decodeExportRequestProtobuf(ProtobufTraceSerializer.serializeRequest(sdkBatch(nextBatch++))!));
        return timed(spans, () => batches.forEach((batch) => pipeline.ingest(batch)));
      },
    ],
  ];
}

const now = await partsOf('now', (path) => import(`../server/src/${path}`));
const before = rev === 'none' ? [] : await partsOf(rev, (path) => formerServerModule(rev, path));
const results = new Map<string, number[]>();
for (let round = -1; round < rounds; round++) {
  // Alternating which goes first; round -1 warms up (JIT, and fills the windows).
  const order = round % 2 === 0 ? [now, before] : [before, now];
  for (let i = 0; i < now.length; i++)
    for (const parts of order) {
      const [name, part] = parts[i] ?? [];
      if (!part) continue;
      const rate = part();
      if (round >= 0) results.set(name!, [...(results.get(name!) ?? []), rate]);
    }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const number = (n: number) => n.toLocaleString('en');
console.log(`| step (${BATCHES} batches of ${SPANS_PER_BATCH} spans) | spans per CPU-second, median of ${rounds} (range) |`);
console.log('|---|---:|');
for (const [name, values] of results)
  console.log(`| ${name} | ${number(median(values))} (${number(Math.min(...values))}–${number(Math.max(...values))}) |`);
