import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { LiveMessage, Recording, SpanRecord, SpanSink, StatsSnapshot, TargetInfo } from '@hopscope/shared';
import { restApi } from './api';
import { compareRoutes } from './compare/routes';
import { hubAnswer, HubError } from './errors';
import { SpanExporter } from './exporter';
import { installGuard } from './guard';
import { LiveHub } from './live';
import { DEFAULT_INGEST_BUDGET, IngestBudget, type IngestBudgetLimits } from './otlp/budget';
import { otlpReceiver, type ReceiverOptions } from './otlp/receiver';
import { plainPage } from './page';
import { HubRecorders, recordingRoutes } from './recording/index';
import { redactSpan } from './redact-span';
import { sendThroughProxy } from './send';
import { computeStats } from './stats';
import { TraceStore } from './store';
import { ChangeBatcher } from './trace-feed';

export interface HubConfig {
  host?: string;
  /** Dashboard, API and live stream; 0 = ephemeral. */
  port?: number;
  /** Separate OTLP/HTTP listener; 0 = ephemeral, null = none (POST /v1/traces on the hub port still works). */
  otlpPort?: number | null;
  /** Built dashboard (ui/dist); without index.html there, / is a plain trace list. */
  uiDir?: string;
  maxTraces?: number;
  maxSpansPerTrace?: number;
  /** Largest OTLP body after decompression. */
  maxOtlpBytes?: number;
  /** OTLP bodies read at once across both ports (bytes after inflation, requests); beyond it 503 + Retry-After. */
  otlpBudget?: Partial<IngestBudgetLimits>;
  /** Rolling window of /api/stats. */
  statsWindowMs?: number;
  /** Also export every finished span to this OTLP/HTTP base URL. */
  exportEndpoint?: string;
  /** Required on every request when set (binding beyond loopback). */
  token?: string;
  /** `--record FILE`: append every finished, redacted span to FILE as OTLP JSON lines. */
  recordFile?: string;
  /** Replay mode (`hopscope replay FILE`): GET /api/replay serves this recording. */
  replay?: Recording;
}

export interface Hub {
  url: string;
  otlpUrl: string;
  /** In-process ingest for the proxy: no serialization. */
  sink: SpanSink;
  addTarget(info: TargetInfo): void;
  store: TraceStore;
  /** Sends a message to every dashboard on /api/live (the talk scenario's captions). */
  announce(message: LiveMessage): void;
  /** Called each time a dashboard connects to /api/live. */
  onLiveConnect(listener: () => void): void;
  close(): Promise<void>;
}

/** Starts the hub: OTLP receiver, trace assembler and store, stats, REST, live stream and the dashboard. */
export async function createHub(config: HubConfig = {}): Promise<Hub> {
  const host = config.host ?? '127.0.0.1';
  const targets: TargetInfo[] = [];
  const live = new LiveHub();
  const windowMs = config.statsWindowMs ?? 10_000;
  const exporter = config.exportEndpoint ? new SpanExporter(config.exportEndpoint) : undefined;
  let lagMs = 0;
  const recorders = new HubRecorders(config.recordFile, config.replay);
  const liveListeners: Array<() => void> = [];

  const batcher = new ChangeBatcher(50, (ids) => {
    for (const id of ids) {
      const trace = store.get(id);
      if (trace) live.broadcast({ type: 'trace', trace });
    }
  });
  const store = new TraceStore({ maxTraces: config.maxTraces ?? 10_000, maxSpansPerTrace: config.maxSpansPerTrace ?? 256 }, (id) => {
    if (live.size > 0) batcher.mark(id);
  });
  const ingestEnded = (span: SpanRecord) => {
    // Redacted once, before anything keeps or forwards it: the store, the exporter, the recordings.
    const clean = redactSpan(span);
    store.add(clean);
    if (clean.endMs !== undefined) lagMs = lagMs * 0.9 + Math.max(0, Date.now() - clean.endMs) * 0.1;
    exporter?.enqueue(clean);
    recorders.add(clean);
  };
  const stats = (): StatsSnapshot =>
    computeStats(
      store,
      targets.map((t) => t.name),
      {
        ingestLagMs: lagMs,
        liveClients: live.size,
        liveDropped: live.droppedTotal + (exporter?.dropped ?? 0),
        ingestRefused: receiver.budget.refused,
      },
      windowMs,
    );
  const ingest = (spans: SpanRecord[]) => spans.forEach(ingestEnded);
  // One budget for both OTLP listeners: the bound is on the hub's memory, not per port.
  const receiver: ReceiverOptions = {
    maxBodyBytes: config.maxOtlpBytes ?? 16 * 1024 * 1024,
    budget: new IngestBudget({ ...DEFAULT_INGEST_BUDGET, ...config.otlpBudget }),
    ingest,
  };

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let port = 0;
  installGuard(app, { host, port: () => port, token: config.token });
  app.setErrorHandler((error, request, reply) => {
    // A refused WebSocket upgrade keeps its socket outside Fastify's connection tracking: close it.
    if (request.headers.upgrade) reply.raw.once('finish', () => request.raw.socket.destroy());
    const answer = hubAnswer(error);
    if (answer) return reply.code(answer.status).send(answer.body);
    return reply.code(500).send({ error: 'HOPSCOPE_HUB_INTERNAL', message: 'The hub failed to answer this request; it keeps serving.' });
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  app.get('/api/live', { websocket: true }, (socket) => {
    live.add(socket, { type: 'hello', serverTime: Date.now(), targets });
    // Counters fill at once instead of after the next tick.
    socket.send(JSON.stringify({ type: 'stats', stats: stats() }));
    for (const listener of liveListeners) listener();
  });
  await app.register(restApi, { store, targets: () => targets, stats });
  await app.register(recordingRoutes, {
    replay: config.replay,
    memory: recorders.memory,
    file: recorders.file,
    targets: () => targets,
    traces: () => store.traces(),
    uiDir: config.uiDir,
  });
  await app.register(sendThroughProxy, { targets: () => targets });
  await app.register(otlpReceiver, receiver);
  await app.register(
    compareRoutes({
      targets: () => targets,
      tracesSince: (target, since) => [...store.traces()].filter((t) => t.target === target && t.start >= since && !t.inFlight),
    }),
  );
  await serveDashboard(app, config.uiDir, store);

  await app.listen({ host, port: config.port ?? 0 });
  port = addressPort(app);
  const otlpApp =
    config.otlpPort === null
      ? undefined
      : await startOtlpListener(host, config.otlpPort ?? 0, receiver, config.token).catch(async (error: unknown) => {
          await app.close();
          throw error;
        });
  const statsTimer = setInterval(() => {
    if (live.size > 0) live.broadcast({ type: 'stats', stats: stats() });
  }, 1000);
  statsTimer.unref();

  const base = `http://${host.includes(':') ? `[${host}]` : host}`;
  return {
    url: `${base}:${port}`,
    otlpUrl: `${base}:${otlpApp ? addressPort(otlpApp) : port}/v1/traces`,
    // In-flight spans are redacted too: they are stored (and shown) before they end.
    sink: { spanStarted: (span) => store.add(redactSpan(span)), spanEnded: ingestEnded },
    addTarget: (info) => {
      const index = targets.findIndex((t) => t.name === info.name);
      if (index >= 0) targets[index] = info;
      else targets.push(info);
    },
    store,
    announce: (message) => live.broadcast(message),
    onLiveConnect: (listener) => void liveListeners.push(listener),
    close: async () => {
      clearInterval(statsTimer);
      batcher.stop();
      exporter?.close();
      live.closeAll();
      await Promise.all([app.close(), otlpApp?.close(), recorders.close()]);
    },
  };
}

async function startOtlpListener(
  host: string,
  port: number,
  receiver: ReceiverOptions,
  token: string | undefined,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // Apps and collectors post here; a web page never should (no CORS, and a browser Origin is refused).
  // With a token, apps send it the OTel way: OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN.
  app.addHook('onRequest', async (request) => {
    if (request.headers.origin !== undefined) throw new HubError('HOPSCOPE_HUB_FORBIDDEN_ORIGIN', 'Browsers cannot post to the OTLP port');
    if (token && request.headers.authorization !== `Bearer ${token}`)
      throw new HubError('HOPSCOPE_HUB_UNAUTHORIZED', 'The OTLP port needs Authorization: Bearer <token>');
  });
  app.setErrorHandler((error, _request, reply) => {
    const answer = hubAnswer(error, 'HOPSCOPE_HUB_BAD_OTLP');
    if (answer) return reply.code(answer.status).send(answer.body);
    return reply.code(500).send({ error: 'HOPSCOPE_HUB_INTERNAL', message: 'The hub failed to decode this export; it keeps serving.' });
  });
  await app.register(otlpReceiver, receiver);
  await app.listen({ host, port });
  return app;
}

async function serveDashboard(app: FastifyInstance, uiDir: string | undefined, store: TraceStore): Promise<void> {
  if (uiDir && existsSync(join(uiDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: uiDir, index: 'index.html' });
    return;
  }
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(plainPage(store.list({ limit: 50 }))));
}

function addressPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
