import http from 'node:http';

/**
 * The dashboard bench's target: a process of its own that answers at once
 * (its service time is a timer, not CPU, so 2,000 requests/s cost it little)
 * with a Server-Timing header, so the hub synthesizes the app's hops and every
 * particle walks Gateway → Route match → View → Response like a real app's.
 * `/error` answers 500. Prints its port over IPC.
 */
const body = Buffer.from('ok\n');
const SERVICE_MS = 4;
const server = http.createServer((req, res) => {
  setTimeout(() => {
    res.writeHead(req.url === '/error' ? 500 : 200, {
      'content-type': 'text/plain',
      'content-length': body.length,
      'server-timing': `gateway;dur=${SERVICE_MS}, route;dur=0.1, view;dur=${SERVICE_MS - 0.6}, response;dur=0.3`,
    });
    res.end(body);
  }, SERVICE_MS);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
