import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { proxyFailure } from './errors';
import type { ForwardConfig } from './forward-config';
import { endSpan, recordErrorInSpan, recordResponseStatus, startRequestSpan } from './spans';

/** A request refused because hopscope itself is overloaded still shows as a trace: one error span, `overload`. */
export function recordOverload(req: IncomingMessage, config: ForwardConfig): void {
  const failure = proxyFailure('HOPSCOPE_PROXY_OVERLOADED');
  const span = startRequestSpan(req, config, ROOT_CONTEXT);
  recordResponseStatus(span, failure.status);
  recordErrorInSpan(span, failure.errorType, failure.message);
  endSpan(span);
}
