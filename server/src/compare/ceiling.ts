import { Worker } from 'node:worker_threads';
import { runLoad } from './driver';
import { compareSpecSchema } from '@hopscope/shared';

/**
 * The driver's own ceiling: requests/s against a trivial upstream on another
 * thread. A compare run near this number is measuring the driver, not the
 * targets, and says so.
 */
const TRIVIAL_UPSTREAM = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = Buffer.from('ok');
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-length': 2 }); res.end(body); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

export async function measureDriverCeiling(durationMs = 1_500, concurrency = 32): Promise<number> {
  const worker = new Worker(TRIVIAL_UPSTREAM, { eval: true });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const spec = compareSpecSchema.parse({ targets: ['ceiling', 'ceiling'], concurrency, durationMs, warmupMs: 300 });
    const result = await runLoad(`http://127.0.0.1:${port}`, spec);
    return result.throughput;
  } finally {
    await worker.terminate();
  }
}
