import http from 'node:http';
import { handleRequest } from './handle-request';
import { setUpTracing } from './tracing';
import { announceReady, dieWithParent, readChildConfig } from './child-process';

/**
 * The `dev` target: one process that handles one request at a time, like a
 * development server without threads. Connections are accepted, requests wait
 * in a FIFO: that wait is the queue hop.
 */
const config = readChildConfig();
const tracing = setUpTracing('demo-dev', config.otlpEndpoint);
const waiting: Array<[http.IncomingMessage, http.ServerResponse]> = [];
let busy = false;

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  while (waiting.length > 0) {
    const [req, res] = waiting.shift()!;
    if (res.destroyed) continue;
    await handleRequest(req, res, tracing).catch(() => res.destroy());
  }
  busy = false;
}

const server = http.createServer((req, res) => {
  waiting.push([req, res]);
  void pump();
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  announceReady(typeof address === 'object' && address ? address.port : 0);
});
dieWithParent(() => tracing.shutdown());
