import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'undici';
import type { Tracer } from '@opentelemetry/api';
import type { SpanSink } from '@hopscope/shared';
import { DEFAULT_BODY_TIMEOUTS, type BodyTimeouts } from './body-timeout';
import { captureList } from './capture-headers';
import { forwardRequest } from './forward';
import type { ForwardConfig } from './forward-config';
import { hostPolicy } from './host-check';
import { proxyServer } from './proxy-server';
import { handleUpgrade } from './upgrade';
import { recordOverload } from './overload';
import { refusalFor, refusalText, sendRefusal } from './refusals';
import { answerServerWideOptions, isServerWideOptions } from './server-options';
import { privateTracer } from './telemetry/tracer';
import { dispatchOnFreshConnection, trackedConnector } from './upstream-connections';

/**
 * Where a proxy's spans go: a record sink, fed in flight and finished through
 * a private SDK TracerProvider's live processor; or a tracer whose provider
 * already hands its spans on (the proxy worker's NodeSDK, shared by all its
 * proxies, feeding the span channel).
 */
export type ProxySpans = { sink: SpanSink; tracer?: never } | { tracer: Tracer; sink?: never };

export type ProxyConfig = ProxyOptions & ProxySpans;

export interface ProxyOptions {
  /** The target's name, as given to `--target NAME=URL`. */
  target: string;
  /** Where requests go: http://host:port[/base]. */
  upstream: string;
  host?: string;
  port?: number;
  /**
   * How long to wait for the upstream's response headers. The default is
   * longer than Gunicorn's 30 s worker timeout, so a stuck worker shows as the
   * reset Gunicorn causes when it kills it, not as our own 504.
   */
  upstreamHeaderTimeoutMs?: number;
  /**
   * Requests in flight beyond which the proxy answers 503 with Retry-After
   * itself (RFC 9110 §15.6.4) instead of queueing without bound.
   */
  maxInFlight?: number;
  /**
   * Host names (no port) accepted besides loopback names and `host`; any
   * other Host is refused with 403 (DNS rebinding). Ignored when `host` is
   * 0.0.0.0 or ::, which accept every Host.
   */
  allowedHosts?: string[];
  /**
   * Request/response headers recorded on the proxy span as
   * `http.request.header.<name>` / `http.response.header.<name>`. Nothing is
   * captured by default; credentials never are, even when listed.
   */
  captureHeaders?: string[];
  /**
   * How long a client's request body may stall, and how slowly it may
   * trickle, before the proxy answers 408 and cancels the upstream request.
   * Defaults: 60 s idle; 20 s plus 1 s per 500 bytes received.
   */
  requestBodyTimeouts?: Partial<BodyTimeouts>;
}

export interface ProxyHandle {
  name: string;
  url: string;
  port: number;
  /** Stops accepting connections and waits, at most `graceMs`, for the requests in flight to finish (then call close). */
  drain(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One tracing reverse proxy listener for one target: every request goes to
 * the forwarding primitive (forward.ts), which streams the body (none is
 * parsed or buffered), unless the proxy refuses it itself (refusals.ts).
 */
export async function createProxy(config: ProxyConfig): Promise<ProxyHandle> {
  const upstream = new URL(config.upstream);
  if (upstream.protocol !== 'http:') throw new TypeError(`upstream must be an http:// URL, not ${config.upstream}`);
  const connectionOptions = {
    headersTimeout: config.upstreamHeaderTimeoutMs ?? 60_000,
    // No body timeout: Server-Sent Events and long downloads must not be cut.
    bodyTimeout: 0,
  };
  const pool = new Pool(upstream.origin, { ...connectionOptions, connections: 256, connect: trackedConnector() });
  const forwardConfig: ForwardConfig = {
    target: config.target,
    upstream,
    basePath: upstream.pathname.replace(/\/$/, ''),
    pool,
    dispatchFresh: (request, handler) => dispatchOnFreshConnection(upstream.origin, connectionOptions, request, handler),
    tracer: config.tracer ?? privateTracer(config.sink),
    via: `1.1 hopscope-${randomBytes(4).toString('hex')}`,
    upstreamHeaderTimeoutMs: config.upstreamHeaderTimeoutMs ?? 60_000,
    bodyTimeouts: { ...DEFAULT_BODY_TIMEOUTS, ...config.requestBodyTimeouts },
    captureHeaders: captureList(config.captureHeaders),
  };
  const host = config.host ?? '127.0.0.1';
  const hosts = hostPolicy(host, config.allowedHosts);

  // forceCloseConnections: stopping hopscope must not wait for open streams (SSE, long downloads, tunnels).
  const maxInFlight = config.maxInFlight ?? 10_000;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refusal = inFlight >= maxInFlight ? 'HOPSCOPE_PROXY_OVERLOADED' : refusalFor(req, forwardConfig.via, hosts);
    if (refusal) {
      sendRefusal(res, refusal);
      if (refusal === 'HOPSCOPE_PROXY_OVERLOADED') recordOverload(req, forwardConfig);
      return;
    }
    if (isServerWideOptions(req)) return answerServerWideOptions(req, res, forwardConfig);
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
    forwardRequest(req, res, forwardConfig);
  };
  // Requests skip Fastify's router and hooks (proxy-server.ts); Fastify listens, answers parse errors and closes.
  const app = Fastify({
    logger: false,
    keepAliveTimeout: 65_000,
    requestTimeout: 0,
    forceCloseConnections: true,
    serverFactory: () => proxyServer(handle),
  });
  app.server.on('upgrade', (req, socket, head) => {
    const refusal = refusalFor(req, forwardConfig.via, hosts);
    if (refusal) return void socket.end(refusalText(refusal));
    handleUpgrade(req, socket, head, forwardConfig);
  });

  await app.listen({ host, port: config.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    name: config.target,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    drain: (graceMs) =>
      new Promise<void>((resolve) => {
        // No new connections; idle keep-alive ones close (Node's server.close); app.close() later tolerates it.
        app.server.close();
        if (inFlight === 0) return resolve();
        const timer = setTimeout(resolve, graceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    close: async () => {
      await app.close();
      await pool.close();
    },
  };
}
