import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  EVENT_EXCEPTION,
  type HopError,
  type SpanRecord,
} from '@hopscope/shared';
import { statusCodeOf } from './http-attributes';

/** The first `exception` event of a span (type, message, stack), as the SDK recorded it. */
export function exceptionOf(span: SpanRecord): { error: HopError; timeMs: number } | undefined {
  for (const event of span.events) {
    if (event.name !== EVENT_EXCEPTION) continue;
    const error: HopError = { type: String(event.attributes[ATTR_EXCEPTION_TYPE] ?? 'Exception') };
    const message = event.attributes[ATTR_EXCEPTION_MESSAGE];
    if (message !== undefined) error.message = String(message);
    const stack = event.attributes[ATTR_EXCEPTION_STACKTRACE];
    if (stack !== undefined) error.stack = String(stack);
    return { error, timeMs: event.timeMs };
  }
  return undefined;
}

/**
 * The failure a span reports, as the SDK reported it: its exception, else
 * status ERROR or an `error.type`. An HTTP answer in the 4xx range is not a
 * failure of this request even though CLIENT spans mark it ERROR (HTTP
 * semantic conventions); a 5xx without an exception reads as its status code,
 * the `error.type` the conventions give it.
 */
export function reportedError(span: SpanRecord): HopError | undefined {
  const exception = exceptionOf(span);
  if (exception) return exception.error;
  const declared = span.attributes[ATTR_ERROR_TYPE];
  if (span.status.code !== 'error' && declared === undefined) return undefined;
  const status = statusCodeOf(span);
  if (status !== undefined && status >= 400 && status < 500 && (declared === undefined || String(declared) === String(status)))
    return undefined;
  const type = declared !== undefined ? String(declared) : status !== undefined && status >= 500 ? String(status) : 'Error';
  return span.status.message ? { type, message: span.status.message } : { type };
}
