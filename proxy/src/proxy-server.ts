import http from 'node:http';
import { ProxyIncomingMessage } from './incoming';
import { sendIfUnroutable } from './refusals';
import { FORWARDED_METHODS } from './server-options';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * The proxy's HTTP server, as Fastify's `serverFactory` makes it: Fastify
 * still listens (both loopback addresses for `localhost`), answers what Node's
 * parser refuses (its clientError handler) and closes, but requests go
 * straight to `handle`, past Fastify's router, request and reply objects and
 * hooks, which cost more CPU per request than the proxy's own work
 * (docs/benchmarks.md, "The forwarding path"). What the router refused is
 * still refused (refusals.ts, sendIfUnroutable).
 */
export function proxyServer(handle: Handler): http.Server {
  const server = http.createServer({ IncomingMessage: ProxyIncomingMessage }, (req, res) => {
    if (!sendIfUnroutable(req, res)) handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  // No limit on a whole request: uploads and long polls take what they take (body-timeout.ts watches stalls).
  server.requestTimeout = 0;
  server.setTimeout(0);
  // Node keeps the first 1000 header lines of a request and silently drops the rest from req.headers, Content-Length,
  // Transfer-Encoding and Connection included; the 16 KiB header size limit already bounds how many there can be.
  server.maxHeadersCount = 0;
  // R7: with a listener here Node no longer answers 100 on the app's behalf; forward.ts waits for the upstream's.
  server.on('checkContinue', handle);
  // CONNECT is never forwarded (never an open proxy).
  server.on('connect', (_req, socket) => {
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nAllow: ${FORWARDED_METHODS}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}
