import { parentPort, workerData } from 'node:worker_threads';
import { createProxy, type ProxyHandle } from '../create-proxy';
import { crossError, type ChannelLimits, type FromWorker, type ToWorker, type WorkerCall, type StartedProxy } from './messages';
import { startWorkerTracing } from '../telemetry/worker-sdk';
import { SpanChannel } from './span-channel';

/**
 * The proxy worker thread's entry: runs the unchanged createProxy for every
 * proxy of the process, on an event loop the hub never touches, with the
 * bounded span channel as their sink. Started by startProxyGroup.
 */
const port = parentPort;
if (!port) throw new Error('proxy-worker.ts runs in a worker thread (startProxyGroup starts it)');
const send = (message: FromWorker) => port.postMessage(message);
const channel = new SpanChannel(send, (workerData as { limits: ChannelLimits }).limits);
// Before any message is read (a port queues them until its listener is added): every proxy needs the tracer.
const tracing = await startWorkerTracing(channel);
const proxies = new Map<number, ProxyHandle>();
let nextHandle = 1;

async function run(call: WorkerCall): Promise<StartedProxy | undefined> {
  switch (call.op) {
    case 'start': {
      const proxy = await createProxy({ ...call.config, tracer: tracing.tracer });
      const handle = nextHandle++;
      proxies.set(handle, proxy);
      return { handle, name: proxy.name, url: proxy.url, port: proxy.port };
    }
    case 'close-proxy': {
      const proxy = proxies.get(call.handle);
      proxies.delete(call.handle);
      await proxy?.close();
      return undefined;
    }
    case 'drain': {
      await Promise.all([...proxies.values()].map((proxy) => proxy.drain(call.graceMs)));
      return undefined;
    }
    case 'shutdown': {
      // Each proxy's close drains as it does in process; then the last spans go out before the reply.
      const all = [...proxies.values()];
      proxies.clear();
      await Promise.all(all.map((proxy) => proxy.close().catch(() => {})));
      await tracing.shutdown().catch(() => {});
      return undefined;
    }
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'ack') return channel.acknowledge(message.count);
  run(message).then(
    (value) => {
      channel.flush();
      send({ type: 'reply', id: message.id, ok: true, value });
    },
    (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: crossError(error) }),
  );
});
