import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '../errors';
import { installBodyDeadline } from './body-deadline';
import { HEALTH_PATH } from './health';
import { installSecurityHeaders } from './security-headers';

export interface GuardOptions {
  host: string;
  port: () => number;
  token?: string;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const TOKEN_COOKIE = 'hopscope_token';

/**
 * The hub defends against web pages, not only the network (DESIGN.md):
 * foreign Host headers are refused (DNS rebinding), foreign Origins are
 * refused on WebSocket upgrades, the API and state-changing requests, no CORS headers
 * are ever sent, and a token is required when one is configured.
 * State-changing requests must also be ones a cross-site form or "simple"
 * fetch cannot make: JSON bodies only, or for /api/send/ (whose
 * body is the user's own) a custom header, which would need a CORS preflight
 * that the hub never grants.
 */
export function installGuard(app: FastifyInstance, options: GuardOptions): void {
  installSecurityHeaders(app);
  installBodyDeadline(app);
  app.addHook('onRequest', async (request, reply) => {
    const allowed = allowedHosts(options);
    const host = String(request.headers.host ?? '').toLowerCase();
    if (!allowed.has('*') && !allowed.has(host))
      throw new HubError('HOPSCOPE_HUB_FORBIDDEN_HOST', `Host "${host.slice(0, 100)}" is not this hub`);
    const origin = request.headers.origin;
    const stateChanging = request.method !== 'GET' && request.method !== 'HEAD';
    const upgrade = String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
    const api = request.url.startsWith('/api/') || request.url.startsWith('/v1/');
    if (origin !== undefined && (stateChanging || upgrade || api) && !isSameOrigin(origin, host)) {
      throw new HubError('HOPSCOPE_HUB_FORBIDDEN_ORIGIN', `Origin "${origin.slice(0, 100)}" is not this hub`);
    }
    // /healthz (health.ts) says nothing a token protects, and container health checks carry none; matched by route.
    const open = request.routeOptions.url === HEALTH_PATH && (request.method === 'GET' || request.method === 'HEAD');
    if (options.token && !open && !hasToken(request, options.token)) throw new HubError('HOPSCOPE_HUB_UNAUTHORIZED');
    if (MUTATING.has(request.method) && !upgrade) checkNotSimpleRequest(request);
    const given = (request.query as Record<string, string> | undefined)?.token;
    if (options.token && given === options.token) {
      void reply.header('set-cookie', `${TOKEN_COOKIE}=${options.token}; HttpOnly; SameSite=Strict; Path=/`);
    }
  });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const OTLP_ROUTES = new Set(['/v1/traces', '/v1/metrics', '/v1/logs']);
const SEND_ROUTE_PREFIX = '/api/send/';
const SEND_HEADER = 'x-hopscope-send';

/**
 * By the matched route, not the raw URL, so no spelling of a path slips past.
 * Every route but OTLP (which has its own content types) is held to this,
 * including /api/* routes added later.
 */
function checkNotSimpleRequest(request: FastifyRequest): void {
  const route = request.routeOptions.url ?? '';
  if (OTLP_ROUTES.has(route)) return;
  if (route.startsWith(SEND_ROUTE_PREFIX)) {
    if (request.headers[SEND_HEADER] !== '1') throw new HubError('HOPSCOPE_HUB_SEND_HEADER_REQUIRED');
    return;
  }
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw new HubError(
      'HOPSCOPE_HUB_UNSUPPORTED_MEDIA_TYPE',
      `${request.method} needs Content-Type application/json, not ${type.slice(0, 100) || '(none)'}`,
    );
  }
}

function allowedHosts(options: GuardOptions): Set<string> {
  const port = options.port();
  const names = new Set([
    ...LOOPBACK_NAMES,
    options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host,
  ]);
  if (options.host === '0.0.0.0' || options.host === '::') return new Set([...names].map((n) => `${n}:${port}`).concat(['*']));
  return new Set([...names].map((n) => `${n}:${port}`));
}

/**
 * The Origin must be exactly the origin the request was sent to (RFC 6454
 * §5: scheme, host and port), i.e. `http://` + its (already allowed) Host:
 * another port on the same machine — the proxied app's, say — or another
 * name of this machine is another origin, however the hub is bound.
 */
function isSameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && origin === url.origin && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

function hasToken(request: FastifyRequest, token: string): boolean {
  const query = (request.query as Record<string, string> | undefined)?.token;
  if (query === token) return true;
  if (request.headers.authorization === `Bearer ${token}`) return true;
  const cookies = String(request.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim());
  return cookies.includes(`${TOKEN_COOKIE}=${token}`);
}
