import type { ProxyErrorType } from '@hopscope/shared';

/**
 * The proxy's error catalogue. Each failure has a stable code, the status the
 * client gets (RFC 9110 §15.6: 502 bad upstream answer, 504 no timely answer),
 * the `error.type` recorded on the spans (PROXY-RULES.md), and a message that
 * says what to do next. Messages never contain internal addresses or stacks.
 */
export interface ProxyFailure {
  code: string;
  status: number;
  errorType: ProxyErrorType;
  message: string;
}

export const PROXY_FAILURES = {
  HOPSCOPE_PROXY_UPSTREAM_REFUSED: {
    status: 502,
    errorType: 'upstream_connect_refused',
    message: 'The app server refused the connection. Is it running, and on the port given to --target?',
  },
  HOPSCOPE_PROXY_UPSTREAM_RESET: {
    status: 502,
    errorType: 'upstream_reset_before_response',
    message: 'The app server closed the connection before answering (crashed or killed worker?). See its log.',
  },
  HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START: {
    status: 502,
    errorType: 'upstream_reset_after_response_started',
    message: 'The app server closed the connection in the middle of the response; the client got a truncated body.',
  },
  HOPSCOPE_PROXY_CLIENT_DISCONNECTED: {
    status: 499,
    errorType: 'downstream_disconnect',
    message: 'The client went away before the response was complete; the upstream request was aborted.',
  },
  HOPSCOPE_PROXY_UPGRADE_REJECTED: {
    status: 0,
    errorType: 'upgrade_rejected',
    message: 'The app server refused the WebSocket upgrade; its own answer was passed on.',
  },
  HOPSCOPE_PROXY_UPSTREAM_TIMEOUT: {
    status: 504,
    errorType: 'upstream_response_header_timeout',
    message: 'The app server did not answer in time. See its log for a stuck or timed-out worker.',
  },
  HOPSCOPE_PROXY_UPSTREAM_INVALID: {
    status: 502,
    errorType: 'upstream_invalid_response',
    message: 'The app server sent a response that is not valid HTTP/1.1.',
  },
  HOPSCOPE_PROXY_BAD_REQUEST_TARGET: {
    status: 400,
    errorType: 'request_rejected_framing',
    message: 'hopscope is a reverse proxy for one app server, not an open proxy: send origin-form requests (a path, not a URL).',
  },
  HOPSCOPE_PROXY_BAD_PATH: {
    status: 400,
    errorType: 'request_rejected_framing',
    message: 'The path contains dot segments (.. or %2e%2e); send the normalised path.',
  },
  HOPSCOPE_PROXY_OVERLOADED: {
    status: 503,
    errorType: 'overload',
    message: 'hopscope itself has too many requests in flight; retry shortly (see Retry-After).',
  },
  HOPSCOPE_PROXY_FORBIDDEN_HOST: {
    status: 403,
    errorType: 'request_rejected_framing',
    message:
      'The Host header names neither this machine nor an allowed host (DNS rebinding?). Use localhost or 127.0.0.1, or add the name to allowedHosts.',
  },
  HOPSCOPE_PROXY_REQUEST_BODY_TIMEOUT: {
    status: 408,
    errorType: 'request_body_timeout',
    message: 'The request body stopped arriving, or arrived too slowly; the request was cancelled. Send the body without long pauses.',
  },
  HOPSCOPE_PROXY_LOOP: {
    status: 508,
    errorType: 'request_rejected_framing',
    message: 'This request already passed through this proxy (Via): the target points back at hopscope.',
  },
} as const satisfies Record<string, Omit<ProxyFailure, 'code'>>;

export type ProxyFailureCode = keyof typeof PROXY_FAILURES;

export function proxyFailure(code: ProxyFailureCode): ProxyFailure {
  return { code, ...PROXY_FAILURES[code] };
}

/**
 * Maps an error from the upstream request (before any response arrived) to a
 * failure. An answer the parser rejects is the app's invalid answer, not a
 * reset: undici reports llhttp's verdicts as HTTPParserError without a code,
 * node:http as HPE_* codes.
 */
export function failureFromUpstreamError(error: NodeJS.ErrnoException): ProxyFailure {
  if (isInvalidAnswer(error)) return proxyFailure('HOPSCOPE_PROXY_UPSTREAM_INVALID');
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return proxyFailure('HOPSCOPE_PROXY_UPSTREAM_REFUSED');
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return proxyFailure('HOPSCOPE_PROXY_UPSTREAM_TIMEOUT');
    default:
      return proxyFailure('HOPSCOPE_PROXY_UPSTREAM_RESET');
  }
}

/** The error a node:http request fails with when the app answers 101 although no upgrade was asked for. */
export const UNASKED_UPGRADE = 'ERR_UPGRADE_NOT_ASKED_FOR';

const INVALID_CODES = new Set([
  UNASKED_UPGRADE,
  'UND_ERR_INVALID_ARG',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  // A header block larger than the parser accepts (undici and node:http).
  'UND_ERR_HEADERS_OVERFLOW',
  'HPE_HEADER_OVERFLOW',
]);

/** undici's messages for a 101 the request did not ask for, and for a 1xx it cannot read past. */
const INVALID_SOCKET_MESSAGES = new Set(['bad upgrade', 'bad response']);

function isInvalidAnswer(error: NodeJS.ErrnoException): boolean {
  const code = error.code ?? '';
  if (error.name === 'HTTPParserError' || INVALID_CODES.has(code)) return true;
  // node:http's parser; an EOF in the middle of a message is the app going away, not a malformed answer.
  if (code.startsWith('HPE_')) return code !== 'HPE_INVALID_EOF_STATE';
  return code === 'UND_ERR_SOCKET' && INVALID_SOCKET_MESSAGES.has(error.message);
}

/** The body a client sees for a failure: the code and the advice, nothing internal. */
export function failureBody(failure: ProxyFailure): string {
  return JSON.stringify({ error: failure.code, errorType: failure.errorType, message: failure.message });
}
