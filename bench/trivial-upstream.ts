import http from 'node:http';

/**
 * A minimal upstream for benchmarks, run as its own process so it does not
 * share an event loop with the proxy under test. Prints its port.
 */
const body = Buffer.from('hello from a trivial upstream\n');
/** A fixed service time (UPSTREAM_DELAY_MS), for tests that compare latency measurements. */
const delayMs = Number(process.env.UPSTREAM_DELAY_MS ?? 0);
const answer = (res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
};
const server = http.createServer((_req, res) => {
  if (delayMs > 0) setTimeout(answer, delayMs, res);
  else answer(res);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
