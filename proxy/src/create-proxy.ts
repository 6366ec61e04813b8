import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'undici';
import type { SpanSink } from '@hopscope/shared';
import { failureBody, proxyFailure, type ProxyFailureCode } from './errors';
import { forwardRequest, type ForwardConfig } from './forward';
import { isLoop } from './headers';
import { handleUpgrade } from './upgrade';
import { recordOverload } from './overload';

export interface ProxyConfig {
  /** The target's name, as given to `--target NAME=URL`. */
  target: string;
  /** Where requests go: http://host:port[/base]. */
  upstream: string;
  sink: SpanSink;
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
}

export interface ProxyHandle {
  name: string;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * One tracing reverse proxy listener for one target: Fastify routes every
 * request to the forwarding primitive (forward.ts), which hijacks the reply in
 * onRequest so no body is parsed or buffered.
 */
export async function createProxy(config: ProxyConfig): Promise<ProxyHandle> {
  const upstream = new URL(config.upstream);
  if (upstream.protocol !== 'http:') throw new TypeError(`upstream must be an http:// URL, not ${config.upstream}`);
  const pool = new Pool(upstream.origin, {
    connections: 256,
    headersTimeout: config.upstreamHeaderTimeoutMs ?? 60_000,
    // No body timeout: Server-Sent Events and long downloads must not be cut.
    bodyTimeout: 0,
  });
  const forwardConfig: ForwardConfig = {
    target: config.target,
    upstream,
    basePath: upstream.pathname.replace(/\/$/, ''),
    pool,
    sink: config.sink,
    via: `1.1 hopscope-${randomBytes(4).toString('hex')}`,
    upstreamHeaderTimeoutMs: config.upstreamHeaderTimeoutMs ?? 60_000,
  };

  // forceCloseConnections: stopping hopscope must not wait for open streams (SSE, long downloads, tunnels).
  const maxInFlight = config.maxInFlight ?? 10_000;
  let inFlight = 0;
  const app = Fastify({ logger: false, keepAliveTimeout: 65_000, requestTimeout: 0, forceCloseConnections: true, routerOptions: { maxParamLength: 65_535 } });
  app.all('/*', {
    onRequest: (request, reply, done) => {
      reply.hijack();
      const refusal = inFlight >= maxInFlight ? 'HOPSCOPE_PROXY_OVERLOADED' : refusalFor(request.raw, forwardConfig.via);
      if (refusal) {
        sendRefusal(reply.raw, refusal);
        if (refusal === 'HOPSCOPE_PROXY_OVERLOADED') recordOverload(request.raw, forwardConfig);
      } else {
        inFlight++;
        reply.raw.once('close', () => inFlight--);
        forwardRequest(request.raw, reply.raw, forwardConfig);
      }
      done();
    },
  }, async () => undefined);
  // Anything Fastify cannot route (e.g. absolute-form to another host) is refused, never forwarded.
  app.setNotFoundHandler((_request, reply) => {
    const failure = proxyFailure('HOPSCOPE_PROXY_BAD_REQUEST_TARGET');
    void reply.code(failure.status).header('content-type', 'application/json').header('connection', 'close').send(failureBody(failure));
  });
  app.server.on('upgrade', (req, socket, head) => {
    const refusal = refusalFor(req, forwardConfig.via);
    if (refusal) return void socket.end(refusalText(refusal));
    handleUpgrade(req, socket, head, forwardConfig);
  });
  // CONNECT never reaches the router: refuse it here (never an open proxy).
  app.server.on('connect', (_req, socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  const host = config.host ?? '127.0.0.1';
  await app.listen({ host, port: config.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    name: config.target,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      await app.close();
      await pool.close();
    },
  };
}

function refusalFor(req: http.IncomingMessage, via: string): ProxyFailureCode | undefined {
  // Only origin-form (and `*` for OPTIONS) is accepted: an absolute-form URL is an open-proxy request.
  const url = req.url ?? '';
  if (!url.startsWith('/') && !(req.method === 'OPTIONS' && url === '*')) return 'HOPSCOPE_PROXY_BAD_REQUEST_TARGET';
  if (escapesBasePath(url)) return 'HOPSCOPE_PROXY_BAD_PATH';
  if (isLoop(req.headers, via)) return 'HOPSCOPE_PROXY_LOOP';
  return undefined;
}

/**
 * Dot segments, raw or percent-encoded (`..`, `%2e%2e`, `..%2f`), are refused
 * rather than forwarded: the proxy appends the path to the target's base path,
 * and an upstream that normalises it could be walked out of that base.
 */
function escapesBasePath(url: string): boolean {
  const path = url.split('?')[0]!.replace(/%2e/gi, '.').replace(/%2f|%5c/gi, '/').replace(/\\/g, '/');
  return path.split('/').some((segment) => segment === '..' || segment === '.');
}

function refusalText(code: ProxyFailureCode): string {
  const failure = proxyFailure(code);
  const body = failureBody(failure);
  return `HTTP/1.1 ${failure.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

function sendRefusal(res: http.ServerResponse, code: ProxyFailureCode): void {
  const failure = proxyFailure(code);
  const body = failureBody(failure);
  const retry = code === 'HOPSCOPE_PROXY_OVERLOADED' ? { 'retry-after': '1' } : {};
  res.writeHead(failure.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', ...retry });
  res.end(body);
}
