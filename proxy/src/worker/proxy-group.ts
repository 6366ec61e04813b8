import { Worker } from 'node:worker_threads';
import type { SpanSink } from '@hopscope/shared';
import type { ProxyHandle } from '../create-proxy';
import {
  DEFAULT_CHANNEL_LIMITS,
  rebuildError,
  type ChannelLimits,
  type FromWorker,
  type StartedProxy,
  type ToWorker,
  type WorkerProxyConfig,
} from './messages';
import { deliver } from './wire-span';
import { workerEntry } from './worker-entry';

export interface ProxyGroupOptions {
  /** Where the spans go on this thread (the hub's in-process sink). */
  sink: SpanSink;
  limits?: Partial<ChannelLimits>;
  /** The worker stopped on its own (a crash): its proxies no longer serve. */
  onFailure?: (error: Error) => void;
}

export interface ProxyGroup {
  /** Starts one more proxy in the worker (createProxy's options, without the sink). */
  add(config: WorkerProxyConfig): Promise<ProxyHandle>;
  /** Span events the worker dropped because the hub had not taken the previous ones yet. */
  dropped(): number;
  /** Every proxy stops accepting and finishes its requests in flight, for at most `graceMs` (a graceful stop). */
  drain(graceMs: number): Promise<void>;
  /** Closes every proxy (draining like their own close), delivers the last spans, ends the worker. */
  close(): Promise<void>;
}

/**
 * Runs proxies in one worker thread apart from the hub's event loop, so
 * that nothing the hub does (API answers, dashboards, OTLP ingest) delays a
 * proxied request. Spans come back over a bounded channel and are handed to
 * `sink` here, each batch acknowledged once handed over.
 */
export function startProxyGroup(options: ProxyGroupOptions): ProxyGroup {
  const limits: ChannelLimits = { ...DEFAULT_CHANNEL_LIMITS, ...options.limits };
  const entry = workerEntry();
  // Only profiling flags pass to the thread (`node --cpu-prof --cpu-prof-dir=DIR` profiles it too); loaders are set up by the entry.
  const execArgv = process.execArgv.filter((arg) => /^--(cpu|heap)-prof/.test(arg));
  const worker = new Worker(entry.code, { eval: true, workerData: { limits, entry: entry.file }, execArgv });
  const pending = new Map<number, { resolve: (value?: StartedProxy) => void; reject: (error: Error) => void }>();
  let nextCall = 1;
  let dropped = 0;
  let closing = false;
  let exited: Error | undefined;

  const post = (message: ToWorker) => worker.postMessage(message);
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'spans') {
      dropped = message.dropped;
      const count = deliver(message.spans, options.sink);
      if (count > 0) post({ type: 'ack', count });
      return;
    }
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) call?.resolve(message.value);
    else call?.reject(rebuildError(message.error));
  });
  const fail = (error: Error) => {
    exited ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    if (!closing) options.onFailure?.(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the proxy worker exited (code ${code})`)));

  const call = (message: Omit<Extract<ToWorker, { type: 'call' }>, 'id'> & Record<string, unknown>) =>
    new Promise<StartedProxy | undefined>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextCall++;
      pending.set(id, { resolve, reject });
      post({ ...message, id } as ToWorker);
    });

  return {
    add: async (config) => {
      const started = (await call({ type: 'call', op: 'start', config }))!;
      let closed: Promise<void> | undefined;
      return {
        name: started.name,
        url: started.url,
        port: started.port,
        // The worker drains all its proxies at once; one handle's drain waits for them all.
        drain: (graceMs) => (exited ? Promise.resolve() : call({ type: 'call', op: 'drain', graceMs }).then(() => {})),
        close: () =>
          (closed ??= exited ? Promise.resolve() : call({ type: 'call', op: 'close-proxy', handle: started.handle }).then(() => {})),
      };
    },
    dropped: () => dropped,
    drain: async (graceMs) => {
      if (!exited && !closing) await call({ type: 'call', op: 'drain', graceMs }).catch(() => {});
    },
    close: async () => {
      if (closing) return;
      closing = true;
      if (!exited) await call({ type: 'call', op: 'shutdown' }).catch(() => {});
      await worker.terminate();
    },
  };
}
