import { describe, expect, it } from 'vitest';
import { failureBody, failureFromUpstreamError, PROXY_FAILURES, proxyFailure, type ProxyFailureCode } from './errors';

/** An error as undici or node:http reports it: a name, a message and maybe a code. */
function upstreamError(code: string | undefined, name = 'Error', message = 'failed'): NodeJS.ErrnoException {
  const error = new Error(message) as NodeJS.ErrnoException;
  error.name = name;
  if (code !== undefined) error.code = code;
  return error;
}

const codeFor = (error: NodeJS.ErrnoException) => failureFromUpstreamError(error).code;

describe('failureFromUpstreamError', () => {
  it('an app that is not there (refused, unreachable, unknown name) is UPSTREAM_REFUSED, 502', () => {
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect(failureFromUpstreamError(upstreamError(code)), code).toMatchObject({
        code: 'HOPSCOPE_PROXY_UPSTREAM_REFUSED',
        status: 502,
        errorType: 'upstream_connect_refused',
      });
    }
  });

  it('no answer in time is UPSTREAM_TIMEOUT, 504', () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']) {
      expect(failureFromUpstreamError(upstreamError(code)), code).toMatchObject({
        code: 'HOPSCOPE_PROXY_UPSTREAM_TIMEOUT',
        status: 504,
        errorType: 'upstream_response_header_timeout',
      });
    }
  });

  it("an answer the parser refuses is the app's invalid answer, 502 upstream_invalid_response", () => {
    const invalid = [
      upstreamError(undefined, 'HTTPParserError', 'Response does not match the HTTP/1.1 protocol (Invalid status code)'),
      upstreamError('HPE_INVALID_STATUS'),
      upstreamError('HPE_INVALID_HEADER_TOKEN'),
      upstreamError('HPE_UNEXPECTED_CONTENT_LENGTH'),
      upstreamError('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'),
      upstreamError('UND_ERR_INVALID_ARG'),
    ];
    for (const error of invalid) {
      expect(failureFromUpstreamError(error), `${error.name} ${error.code}`).toMatchObject({
        code: 'HOPSCOPE_PROXY_UPSTREAM_INVALID',
        status: 502,
        errorType: 'upstream_invalid_response',
      });
    }
  });

  it('a connection closed before any answer is UPSTREAM_RESET, including an EOF in the middle of the head', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'HPE_INVALID_EOF_STATE', undefined]) {
      expect(failureFromUpstreamError(upstreamError(code)), String(code)).toMatchObject({
        code: 'HOPSCOPE_PROXY_UPSTREAM_RESET',
        status: 502,
        errorType: 'upstream_reset_before_response',
      });
    }
  });

  it('tells a socket error by its message only for the answers undici cannot read', () => {
    expect(codeFor(upstreamError('UND_ERR_SOCKET', 'SocketError', 'bad upgrade'))).toBe('HOPSCOPE_PROXY_UPSTREAM_INVALID');
    expect(codeFor(upstreamError('UND_ERR_SOCKET', 'SocketError', 'bad response'))).toBe('HOPSCOPE_PROXY_UPSTREAM_INVALID');
    expect(codeFor(upstreamError('UND_ERR_SOCKET', 'SocketError', 'other side closed'))).toBe('HOPSCOPE_PROXY_UPSTREAM_RESET');
    expect(codeFor(upstreamError('ECONNRESET', 'Error', 'bad response'))).toBe('HOPSCOPE_PROXY_UPSTREAM_RESET');
  });
});

describe('the catalogue', () => {
  it('proxyFailure carries the code with its entry', () => {
    for (const code of Object.keys(PROXY_FAILURES) as ProxyFailureCode[]) {
      expect(proxyFailure(code)).toEqual({ code, ...PROXY_FAILURES[code] });
    }
  });

  it('statuses: 502 for a bad upstream answer, 504 for none in time, 503 overload, 4xx for the client (RFC 9110 §15)', () => {
    const statusOf = (code: ProxyFailureCode) => PROXY_FAILURES[code].status;
    expect(statusOf('HOPSCOPE_PROXY_UPSTREAM_RESET_AFTER_START')).toBe(502);
    expect(statusOf('HOPSCOPE_PROXY_CLIENT_DISCONNECTED')).toBe(499);
    expect(statusOf('HOPSCOPE_PROXY_UPGRADE_REJECTED')).toBe(0);
    expect(statusOf('HOPSCOPE_PROXY_BAD_REQUEST_TARGET')).toBe(400);
    expect(statusOf('HOPSCOPE_PROXY_BAD_PATH')).toBe(400);
    expect(statusOf('HOPSCOPE_PROXY_OVERLOADED')).toBe(503);
    expect(statusOf('HOPSCOPE_PROXY_FORBIDDEN_HOST')).toBe(403);
    expect(statusOf('HOPSCOPE_PROXY_LOOP')).toBe(508);
  });

  it('every failure says what happened in a sentence', () => {
    for (const [code, failure] of Object.entries(PROXY_FAILURES)) expect(failure.message, code).toMatch(/^\S.{20,}[.)?]$/);
  });

  it('failureBody is the code, the error.type and the advice, as JSON', () => {
    const failure = proxyFailure('HOPSCOPE_PROXY_OVERLOADED');
    expect(JSON.parse(failureBody(failure))).toEqual({
      error: 'HOPSCOPE_PROXY_OVERLOADED',
      errorType: 'overload',
      message: PROXY_FAILURES.HOPSCOPE_PROXY_OVERLOADED.message,
    });
  });
});
