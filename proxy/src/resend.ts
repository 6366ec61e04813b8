import type { IncomingMessage } from 'node:http';
import type { UpstreamAttempt } from './upstream-connections';

/** RFC 9110 §9.2.2. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** The connection went away; not a timeout, not an answer the parser refused. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * The one case where a request is sent twice (R10 allows no other), as Go's
 * net/http Transport does: it failed on a *reused* keep-alive connection
 * before a single byte of an answer came back — the upstream closed that idle
 * connection as the request went out (uWSGI's --http-socket does so without
 * saying `Connection: close`) — and it can be replayed: it has no body (a
 * streamed body is gone once sent) and is idempotent, or carries an
 * Idempotency-Key as Go also accepts. At most once, on a fresh connection.
 */
export function mayResend(req: IncomingMessage, attempt: UpstreamAttempt, error: NodeJS.ErrnoException, hasBody: boolean): boolean {
  if (hasBody || !attempt.reused || attempt.answerBegan() || !CONNECTION_LOST.has(error.code ?? '')) return false;
  const headers = req.headers;
  return IDEMPOTENT.has(req.method ?? '') || headers['idempotency-key'] !== undefined || headers['x-idempotency-key'] !== undefined;
}
