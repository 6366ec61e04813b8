import type { Pool } from 'undici';
import type { SpanSink } from '@hopscope/shared';

/** What forwarding one request needs: one per proxy listener, shared by plain requests and upgrades. */
export interface ForwardConfig {
  target: string;
  upstream: URL;
  /** Path prefix of the upstream URL ('' for the root). */
  basePath: string;
  /** Keep-alive connections to the upstream; never retries on its own. */
  pool: Pool;
  sink: SpanSink;
  via: string;
  /** How long to wait for response headers on connections made outside the pool (upgrades, Expect: 100-continue). */
  upstreamHeaderTimeoutMs: number;
  /** Lower-case header names recorded on the proxy span (capture-headers.ts; never credentials). */
  captureHeaders: readonly string[];
}
