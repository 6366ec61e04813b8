/**
 * The hub's error catalogue: stable codes, the HTTP status each maps to, and
 * a message that says what to do next. Keeps `cause`. Bodies sent to clients
 * carry the code and message only (never a stack).
 */
export const HUB_ERRORS = {
  HOPSCOPE_HUB_BAD_OTLP: { status: 400, hint: 'The body is not a valid OTLP ExportTraceServiceRequest (JSON or protobuf).' },
  HOPSCOPE_HUB_TOO_LARGE: { status: 413, hint: 'The export is larger than the limit after decompression; export smaller batches.' },
  HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    hint: 'Send Content-Type application/json (OTLP also takes application/x-protobuf).',
  },
  HOPSCOPE_HUB_METHOD_NOT_ALLOWED: { status: 405, hint: 'OTLP/HTTP accepts POST only.' },
  HOPSCOPE_HUB_FORBIDDEN_HOST: {
    status: 403,
    hint: 'Open the dashboard through 127.0.0.1 or localhost (foreign Host headers are refused against DNS rebinding).',
  },
  HOPSCOPE_HUB_FORBIDDEN_ORIGIN: { status: 403, hint: 'Requests from other web origins are refused.' },
  HOPSCOPE_HUB_UNAUTHORIZED: {
    status: 401,
    hint: 'This hub needs its token: open the URL it printed (?token=…) or send Authorization: Bearer <token>.',
  },
  HOPSCOPE_HUB_SEND_HEADER_REQUIRED: {
    status: 403,
    hint: 'Requests through /api/send/ need the header X-Hopscope-Send: 1 (the dashboard sends it; a cross-site form cannot).',
  },
  HOPSCOPE_HUB_OVERLOADED: {
    status: 503,
    hint: 'The hub is decoding as much OTLP as it allows at once; retry after the Retry-After seconds (OTel SDKs do).',
  },
  HOPSCOPE_HUB_BODY_TIMEOUT: {
    status: 408,
    hint: 'The request body arrived too slowly or stopped arriving; send it in one go (an OTLP export, an import).',
  },
  HOPSCOPE_HUB_NOT_FOUND: { status: 404, hint: 'No such trace or target.' },
  HOPSCOPE_HUB_BAD_REQUEST: { status: 400, hint: 'Check the query parameters.' },
  HOPSCOPE_HUB_SEND_BAD_PATH: {
    status: 400,
    hint: 'Give /api/send/TARGET/ a path on that target: one leading "/", no backslash, no CR/LF (encoded or not).',
  },
  HOPSCOPE_HUB_SEND_FAILED: { status: 502, hint: "The target's proxy did not answer; check that the target is up." },
  HOPSCOPE_HUB_INTERNAL: { status: 500, hint: 'The hub failed to answer this request; it keeps serving.' },
} as const;

export type HubErrorCode = keyof typeof HUB_ERRORS;

export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly statusCode: number;

  constructor(code: HubErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${detail}. ${HUB_ERRORS[code].hint}` : HUB_ERRORS[code].hint, options);
    this.name = 'HubError';
    this.code = code;
    this.statusCode = HUB_ERRORS[code].status;
  }

  toJSON(): { error: string; message: string } {
    return { error: this.code, message: this.message };
  }
}

/**
 * Any error a hub route raised, as the answer to send: catalogue errors as
 * they are, Fastify's own client errors (a body over a route's limit, JSON
 * that does not parse, …) under the nearest catalogue code with Fastify's
 * status, `fallback` for other client errors; undefined for a server fault.
 */
export function hubAnswer(
  error: unknown,
  fallback: HubErrorCode = 'HOPSCOPE_HUB_BAD_REQUEST',
): { status: number; body: { error: string; message: string } } | undefined {
  if (error instanceof HubError) return { status: error.statusCode, body: error.toJSON() };
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status >= 500) return undefined;
  const code: HubErrorCode =
    status === 413
      ? 'HOPSCOPE_HUB_TOO_LARGE'
      : status === 415
        ? 'HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE'
        : status === 404
          ? 'HOPSCOPE_HUB_NOT_FOUND'
          : fallback;
  return { status, body: new HubError(code, (error as Error).message).toJSON() };
}
