import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForwardConfig } from './forward-config';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { endSpan, recordResponseStatus, startRequestSpan } from './spans';

/** The methods the proxy forwards (CONNECT is refused, R3). */
export const FORWARDED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** `OPTIONS *` (RFC 9110 §9.3.7): a question about the server in general, not about a resource. */
export function isServerWideOptions(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.url === '*';
}

/**
 * Answered by the proxy, which is the origin server as far as the client can
 * tell (a gateway): 200 with the methods it forwards. The asterisk-form
 * cannot be appended to a target's base path, and undici only sends paths
 * that start with `/`; nginx, the reference, does not forward it either (it
 * answers 400). A trace of one proxy span records that it was answered here.
 */
export function answerServerWideOptions(req: IncomingMessage, res: ServerResponse, config: ForwardConfig): void {
  const span = startRequestSpan(req, config, ROOT_CONTEXT);
  res.writeHead(200, { allow: FORWARDED_METHODS, 'content-length': 0 });
  res.end();
  recordResponseStatus(span, 200);
  endSpan(span);
}
