import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PLAIN_PAGE_STYLE } from './page';

const plainPageStyleHash = `'sha256-${createHash('sha256').update(PLAIN_PAGE_STYLE).digest('base64')}'`;

/**
 * The dashboard's Content-Security-Policy: its own scripts, styles and API
 * only (the built dashboard is one module script and one stylesheet from
 * /assets, and sets styles through the CSSOM, which `style-src` does not
 * govern), nothing inline but the plain page's one stylesheet (by hash), no
 * plugins, no <base>, no framing by another page. 'self' covers the live
 * stream's ws: URL (CSP Level 3, "Match source expressions").
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${plainPageStyleHash}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Every answer of the hub's port: never sniffed into another type (a JSON
 * answer cannot be read as a script), and everything but the API — the
 * dashboard at / and its static files — under the dashboard's policy.
 * /api/send sets its own, stricter headers on its raw answer.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (!request.url.startsWith('/api/') && !request.url.startsWith('/v1/')) {
      void reply.header('content-security-policy', DASHBOARD_CSP);
      void reply.header('x-frame-options', 'DENY');
    }
  });
}
