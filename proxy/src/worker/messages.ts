import type { ProxyOptions } from '../create-proxy';
import type { WireSpan } from './wire-span';

/** What the proxy worker is asked to start: a proxy's configuration without where its spans go (the worker's tracer feeds the channel). */
export type WorkerProxyConfig = ProxyOptions;

/** Worker → main: a batch of span events, and how many the worker has dropped so far (a running total). */
export interface SpanBatchMessage {
  type: 'spans';
  /** Spans still in flight after announceMs, and ended ones, in the order they were taken. */
  spans: WireSpan[];
  dropped: number;
}

/** Main → worker: the main thread has handed `count` span events to the hub; the worker may send that many more. */
export interface AckMessage {
  type: 'ack';
  count: number;
}

export type WorkerCall =
  | { type: 'call'; id: number; op: 'start'; config: WorkerProxyConfig }
  | { type: 'call'; id: number; op: 'close-proxy'; handle: number }
  | { type: 'call'; id: number; op: 'drain'; graceMs: number }
  | { type: 'call'; id: number; op: 'shutdown' };

/** An error as it crosses threads: structured clone keeps only message and name, so the fields callers read are copied. */
export interface CrossedError {
  name: string;
  message: string;
  code?: string;
  port?: number;
  cause?: { code?: string; port?: number; message?: string };
}

export interface StartedProxy {
  handle: number;
  name: string;
  url: string;
  port: number;
}

export type WorkerReply = { type: 'reply'; id: number } & ({ ok: true; value?: StartedProxy } | { ok: false; error: CrossedError });

export type ToWorker = WorkerCall | AckMessage;
export type FromWorker = SpanBatchMessage | WorkerReply;

/** Limits of the span channel between the worker and the hub. */
export interface ChannelLimits {
  /** Span events sent or waiting to be sent, not yet acknowledged, beyond which new ones are dropped (and counted). */
  maxUnacked: number;
  /** A batch is sent when it holds this many events… */
  maxBatch: number;
  /** …or this many milliseconds after its first event, whichever comes first (in-flight requests show up at once). */
  flushMs: number;
  /**
   * A span's start is posted once it has been in flight this long (up to twice this); a span that ends
   * sooner is posted only at its end. Well under the dashboard's 400 ms playback delay.
   */
  announceMs: number;
}

export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = { maxUnacked: 16_384, maxBatch: 512, flushMs: 2, announceMs: 50 };

export function crossError(error: unknown): CrossedError {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    port?: number;
    cause?: { code?: string; port?: number; message?: string };
  };
  const cause = e?.cause && typeof e.cause === 'object' ? { code: e.cause.code, port: e.cause.port, message: e.cause.message } : undefined;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error), code: e?.code, port: e?.port, cause };
}

/** Back on the main thread: an Error with the same name, message, code, port and cause fields (what port-in-use mapping reads). */
export function rebuildError(crossed: CrossedError): Error {
  const error = crossed.name === 'TypeError' ? new TypeError(crossed.message) : new Error(crossed.message);
  if (crossed.name !== 'TypeError') error.name = crossed.name;
  return Object.assign(error, { code: crossed.code, port: crossed.port, cause: crossed.cause });
}
