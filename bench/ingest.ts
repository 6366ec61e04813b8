import { request } from 'node:http';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createHub } from '@hopscope/server';
import { formerServerModule } from './former-server';
import { profiled } from './profile-phase';
import { sdkBatch, SPANS_PER_BATCH } from './sdk-batches';

/**
 * `npx tsx bench/ingest.ts [json|protobuf|both] [BATCHES]`: the hub's OTLP/HTTP
 * ingest rate, end to end. Batches of 4,000 real SDK spans (1,000 traces of a
 * SERVER span and three children with HTTP attributes, made by
 * @opentelemetry/sdk-trace-base and serialized by @opentelemetry/otlp-transformer,
 * as an app's exporter sends them), posted 4 at a time to a hub in this
 * process; the clock runs from the first POST until the store has counted
 * every span (the receiver answers after the spans are stored). Each batch
 * has new trace ids, so the store fills and evicts as it would in use.
 * Prints one JSON line per format, with the process's CPU time (hub and
 * client: the client only writes prepared bodies).
 *
 * `npx tsx bench/ingest.ts FORMAT BATCHES REV [ROUNDS]`: the same against the
 * hub of git revision REV (its server/src taken from git), in turns, ROUNDS
 * (default 3) times each, so that other load on the machine falls on both alike.
 * With HOPSCOPE_BENCH_PROFILE=FILE, the measured phase of the (last) run is
 * profiled into FILE (read it with bench/profile-top.ts).
 */
const IN_FLIGHT = 4;
const WARMUP_BATCHES = 8;
const [formatArg = 'both', batchesArg = '60', rev, roundsArg = '3'] = process.argv.slice(2);
const batches = Math.min(Math.max(Number(batchesArg), 1), 200);
const formats = formatArg === 'both' ? (['protobuf', 'json'] as const) : ([formatArg] as Array<'json' | 'protobuf'>);

function post(url: URL, body: Uint8Array, contentType: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': body.byteLength } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type HubFactory = typeof createHub;

async function run(format: 'json' | 'protobuf', startHub: HubFactory, label: string): Promise<void> {
  const serializer = format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf';
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < WARMUP_BATCHES + batches; i++) bodies.push(serializer.serializeRequest(sdkBatch(i))!);
  const hub = await startHub({ port: 0, otlpPort: 0, otlpGrpcPort: null });
  const url = new URL(hub.otlpUrl);
  const send = async (list: Uint8Array[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < list.length) await post(url, list[next++]!, contentType);
      }),
    );
  };
  await send(bodies.slice(0, WARMUP_BATCHES));
  const before = hub.store.spansReceived;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await profiled(process.env.HOPSCOPE_BENCH_PROFILE, () => send(bodies.slice(WARMUP_BATCHES)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const spans = hub.store.spansReceived - before;
  if (spans !== batches * SPANS_PER_BATCH) throw new Error(`stored ${spans} spans, sent ${batches * SPANS_PER_BATCH}`);
  const bytes = bodies.slice(WARMUP_BATCHES).reduce((sum, b) => sum + b.byteLength, 0);
  console.log(
    JSON.stringify({
      hub: label,
      format,
      batches,
      spans,
      seconds: Number(seconds.toFixed(3)),
      spansPerSecond: Math.round(spans / seconds),
      // On a machine shared with other jobs the wall clock includes time this process waited for a core; CPU time does not.
      cpuSeconds: Number(cpuSeconds.toFixed(3)),
      spansPerCpuSecond: Math.round(spans / cpuSeconds),
      mbPerSecond: Number((bytes / seconds / 1e6).toFixed(1)),
      tracesStored: hub.store.size,
    }),
  );
  await hub.close();
}

if (rev === undefined) for (const format of formats) await run(format, createHub, 'now');
else {
  const former = (await formerServerModule<{ createHub: HubFactory }>(rev, 'index.ts')).createHub;
  for (let round = 0; round < Math.min(Math.max(Number(roundsArg), 1), 10); round++)
    for (const format of formats) {
      // Alternating which goes first: the second also collects the first one's garbage.
      const pair: Array<[HubFactory, string]> = [
        [createHub, 'now'],
        [former, rev],
      ];
      if (round % 2 === 1) pair.reverse();
      for (const [startHub, label] of pair) await run(format, startHub, label);
    }
}
