import type { IncomingMessage } from 'node:http';
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from '@hopscope/shared';
import { proxyFailure } from './errors';
import type { ForwardConfig } from './forward-config';
import { newTraceId } from './ids';
import { endSpan, recordErrorInSpan, safely, startRequestSpan } from './spans';

/** A request refused because hopscope itself is overloaded still shows as a trace: one error span, `overload`. */
export function recordOverload(req: IncomingMessage, config: ForwardConfig): void {
  const failure = proxyFailure('HOPSCOPE_PROXY_OVERLOADED');
  const span = startRequestSpan(req, config.target, newTraceId(), undefined);
  safely(config.sink, 'spanStarted', span);
  span.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = failure.status;
  recordErrorInSpan(span, failure.errorType, failure.message);
  endSpan(config.sink, span);
}
