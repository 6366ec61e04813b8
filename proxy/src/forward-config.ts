import type { Dispatcher, Pool } from 'undici';
import type { Tracer } from '@opentelemetry/api';
import type { BodyTimeouts } from './body-timeout';

/** What forwarding one request needs: one per proxy listener, shared by plain requests and upgrades. */
export interface ForwardConfig {
  target: string;
  upstream: URL;
  /** Path prefix of the upstream URL ('' for the root). */
  basePath: string;
  /** Keep-alive connections to the upstream; never retries on its own. */
  pool: Pool;
  /** Sends a request on a new connection of its own: for the one resend resend.ts allows. */
  dispatchFresh(request: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void;
  /** Makes the proxy's OpenTelemetry spans (the worker's NodeSDK tracer, or a private one in process). */
  tracer: Tracer;
  via: string;
  /** How long to wait for response headers on connections made outside the pool (upgrades, Expect: 100-continue). */
  upstreamHeaderTimeoutMs: number;
  /** How a client's request body may stall or trickle before the proxy gives up on it (body-timeout.ts). */
  bodyTimeouts: BodyTimeouts;
  /** Lower-case header names recorded on the proxy span (capture-headers.ts; never credentials). */
  captureHeaders: readonly string[];
}
