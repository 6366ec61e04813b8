import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { LiveMessage, Recording, SpanSink, StatsSnapshot, TargetInfo, Trace } from '@hopscope/shared';
import { compareRoutes } from './compare/routes';
import { restApi } from './http/api';
import { installGuard } from './http/guard';
import { healthRoute, targetState, type ListenerState } from './http/health';
import { addressPort, installErrorAnswers, serveDashboard, startOtlpListener } from './http/listeners';
import { LiveHub } from './http/live';
import { sendThroughProxy } from './http/send';
import { DEFAULT_INGEST_BUDGET, IngestBudget, type IngestBudgetLimits } from './otlp/budget';
import { startOtlpGrpcListener, type GrpcListener } from './otlp/grpc';
import { createHubSink } from './otlp/hub-sink';
import { otlpReceiver, type ReceiverOptions } from './otlp/receiver';
import { DEFAULT_LOG_LIMITS, LogStore, type LogStoreLimits } from './pipeline/log-store';
import { createPipeline, type PipelineConfig } from './pipeline/pipeline';
import { computeStats } from './pipeline/stats';
import type { TraceStore } from './pipeline/store';
import { ChangeBatcher } from './pipeline/trace-feed';
import { recordingRoutes } from './recording/index';

export interface HubConfig extends PipelineConfig {
  host?: string;
  /** Dashboard, API and live stream; 0 = ephemeral. */
  port?: number;
  /** Separate OTLP/HTTP listener; 0 = ephemeral, null = none (POST /v1/traces on the hub port still works). */
  otlpPort?: number | null;
  /** OTLP/gRPC listener; 0 = ephemeral, null = none; omitted: ephemeral, or none when `otlpPort` is null. */
  otlpGrpcPort?: number | null;
  /** Bounds of the log records kept with their traces (OTLP logs). */
  logLimits?: Partial<LogStoreLimits>;
  /** Built dashboard (ui/dist); without index.html there, / is a plain trace list. */
  uiDir?: string;
  /** Largest OTLP body after decompression. */
  maxOtlpBytes?: number;
  /** OTLP bodies read at once across both ports (bytes after inflation, requests); beyond it 503 + Retry-After. */
  otlpBudget?: Partial<IngestBudgetLimits>;
  /** Rolling window of /api/stats. */
  statsWindowMs?: number;
  /** Required on every request when set (binding beyond loopback). */
  token?: string;
  /** Span events the proxies dropped before reaching the hub (proxies on their own thread), for /api/stats. */
  proxyDropped?: () => number;
  /** Replay mode (`hopscope replay FILE`): GET /api/replay serves this recording. */
  replay?: Recording;
  /** Targets known before their proxies listen (state `starting`): /api/targets lists them from the first answer. */
  targets?: TargetInfo[];
}

export interface Hub {
  url: string;
  otlpUrl: string;
  /** `http://HOST:PORT` of the OTLP/gRPC listener (what OTEL_EXPORTER_OTLP_ENDPOINT takes with the grpc protocol); missing without one. */
  otlpGrpcUrl?: string;
  /** In-process ingest for the proxy: no serialization. */
  sink: SpanSink;
  /** Adds a target or replaces the one of that name (e.g. `starting` → `ready` once its proxy listens). */
  addTarget(info: TargetInfo): void;
  store: TraceStore;
  /** Sends a message to every dashboard on /api/live (the talk scenario's captions). */
  announce(message: LiveMessage): void;
  /** Called each time a dashboard connects to /api/live. */
  onLiveConnect(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * How long a live view waits for spans whose parent has not arrived to join
 * it: a quick request's proxy span follows its end within the span channel's
 * flush (milliseconds), well inside the dashboard's 400 ms playback delay.
 */
const PARENT_GRACE_MS = 300;

/** Starts the hub: the trace pipeline, then its listeners (dashboard, API, live stream, OTLP). */
export async function createHub(config: HubConfig = {}): Promise<Hub> {
  const host = config.host ?? '127.0.0.1';
  const targets: TargetInfo[] = [...(config.targets ?? [])];
  // Sending, comparing and recording need a proxy that listens: they see ready targets only, as before states existed.
  const readyTargets = (): TargetInfo[] =>
    targets.filter((t) => targetState(t) === 'ready').map(({ state: _state, error: _error, ...target }) => target);
  const receivers: { otlpHttp: ListenerState; otlpGrpc: ListenerState } = { otlpHttp: 'off', otlpGrpc: 'off' };
  const live = new LiveHub();
  const liveListeners: Array<() => void> = [];
  const batcher = new ChangeBatcher(50, (ids) => {
    for (const id of ids) {
      // Spans ahead of the proxy span they hang under are shown once they have joined it (store.ts, awaitsParent).
      if (pipeline.store.awaitsParent(id, PARENT_GRACE_MS)) {
        batcher.mark(id);
        continue;
      }
      const trace = pipeline.store.get(id);
      if (trace) live.broadcast({ type: 'trace', trace: withLogs(trace) });
    }
  });
  const pipeline = createPipeline(config, (id) => {
    if (live.size > 0) batcher.mark(id);
  });
  const { store } = pipeline;
  const logs = new LogStore({ ...DEFAULT_LOG_LIMITS, ...config.logLimits });
  const withLogs = (trace: Trace) => logs.attachTo(trace, (spanId) => pipeline.store.requestOf(trace.traceId.split('-')[0]!, spanId));
  // One budget for both OTLP listeners: the bound is on the hub's memory, not per port.
  const receiver: ReceiverOptions = {
    maxBodyBytes: config.maxOtlpBytes ?? 16 * 1024 * 1024,
    budget: new IngestBudget({ ...DEFAULT_INGEST_BUDGET, ...config.otlpBudget }),
    sink: createHubSink({
      ingest: pipeline.ingest,
      spansDropped: () => store.spansDropped,
      logs,
      onTraceLogged: (id) => live.size > 0 && batcher.mark(id),
    }),
  };
  const stats = (): StatsSnapshot =>
    computeStats(
      store,
      readyTargets().map((t) => t.name),
      {
        ingestLagMs: pipeline.ingestLagMs(),
        liveClients: live.size,
        // Export drops also stay in liveDropped until test/faults/export-https.test.ts reads exportDropped.
        liveDropped: live.droppedTotal + pipeline.exportDropped(),
        ingestRefused: receiver.budget.refused,
        proxyDropped: config.proxyDropped?.(),
        spansTruncated: pipeline.spansTruncated(),
        liveEvicted: live.evicted,
        ...pipeline.recorders.health(),
        ...pipeline.exportHealth(),
      },
      config.statsWindowMs ?? 10_000,
    );

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let port = 0;
  installGuard(app, { host, port: () => port, token: config.token });
  installErrorAnswers(app);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  app.get('/api/live', { websocket: true }, (socket) => {
    if (!live.add(socket, { type: 'hello', serverTime: Date.now(), targets: readyTargets() })) return;
    // Counters fill at once instead of after the next tick.
    socket.send(JSON.stringify({ type: 'stats', stats: stats() }));
    for (const listener of liveListeners) listener();
  });
  await app.register(restApi, { store, targets: () => targets, stats, withLogs });
  await app.register(healthRoute, { targets: () => targets, receivers: () => receivers });
  await app.register(recordingRoutes, {
    replay: config.replay,
    memory: pipeline.recorders.memory,
    file: pipeline.recorders.file,
    targets: readyTargets,
    traces: () => store.traces(),
    uiDir: config.uiDir,
  });
  await app.register(sendThroughProxy, { targets: readyTargets });
  await app.register(otlpReceiver, receiver);
  await app.register(
    compareRoutes({
      targets: readyTargets,
      tracesSince: (target, since) => [...store.traces()].filter((t) => t.target === target && t.start >= since && !t.inFlight),
    }),
  );
  await serveDashboard(app, config.uiDir, store);

  await app.listen({ host, port: config.port ?? 0 });
  port = addressPort(app);
  // Without a separate OTLP port, POST /v1/traces on this port is the receiver, up now.
  receivers.otlpHttp = config.otlpPort === null ? 'ready' : 'starting';
  const otlpApp =
    config.otlpPort === null
      ? undefined
      : await startOtlpListener(host, config.otlpPort ?? 0, receiver, config.token).catch(async (error: unknown) => {
          await app.close();
          throw error;
        });
  if (otlpApp) receivers.otlpHttp = 'ready';
  const grpcPort = config.otlpGrpcPort === undefined ? (config.otlpPort === null ? null : 0) : config.otlpGrpcPort;
  if (grpcPort !== null) receivers.otlpGrpc = 'starting';
  const grpcListener: GrpcListener | undefined =
    grpcPort === null
      ? undefined
      : await startOtlpGrpcListener(host, grpcPort, receiver, config.token).catch(async (error: unknown) => {
          await Promise.all([app.close(), otlpApp?.close()]);
          throw error;
        });
  if (grpcListener) receivers.otlpGrpc = 'ready';
  const statsTimer = setInterval(() => {
    if (live.size > 0) live.broadcast({ type: 'stats', stats: stats() });
  }, 1000);
  statsTimer.unref();

  const base = `http://${host.includes(':') ? `[${host}]` : host}`;
  return {
    url: `${base}:${port}`,
    otlpUrl: `${base}:${otlpApp ? addressPort(otlpApp) : port}/v1/traces`,
    otlpGrpcUrl: grpcListener ? `${base}:${grpcListener.port}` : undefined,
    sink: pipeline.sink,
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
      live.closeAll();
      await Promise.all([app.close(), otlpApp?.close(), grpcListener?.close(), pipeline.close()]);
    },
  };
}
