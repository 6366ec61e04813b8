import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A 100 MiB body must grow the proxy's RSS by < 32 MiB. Every socket
 * read hands us a fresh Buffer whose backing store is external memory, freed
 * only when a GC collects the Buffer. Node 20's V8 forces a young-generation
 * GC for that memory only once young ArrayBuffers reach about 32 MiB
 * (`--trace-gc`: "external memory pressure"), and the few small JS objects per
 * chunk rarely fill the young generation sooner; so ~32 MiB of chunks already
 * forwarded wait to be freed. Every RECLAIM_BYTES of body forwarded (both
 * directions, all requests) we ask for an asynchronous scavenge instead, which
 * frees them (12 scavenges of 0.4-3 ms each per 100 MiB on the 2-core dev
 * machine). Small requests cost a counter increment.
 */
export const RECLAIM_BYTES = 8 * 1024 * 1024;

type GcFunction = (options: { type: 'minor'; execution: 'async' }) => Promise<void> | void;

let sinceLastReclaim = 0;
let gc: GcFunction | null | undefined;

/** Counts forwarded body bytes (either direction) and starts a scavenge every RECLAIM_BYTES. */
export function countForwardedBytes(bytes: number): void {
  sinceLastReclaim += bytes;
  if (sinceLastReclaim < RECLAIM_BYTES) return;
  sinceLastReclaim = 0;
  gc ??= loadGc();
  void gc?.({ type: 'minor', execution: 'async' });
}

/**
 * V8's gc extension: the global `gc` if node ran with `--expose-gc`, else
 * taken from a fresh context made while the flag is briefly set, so no
 * global `gc` appears in the proxy's own context.
 * Null if this V8 refuses (the proxy then works as before, with more garbage).
 */
function loadGc(): GcFunction | null {
  const exposed: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as GcFunction;
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn: unknown = vm.runInNewContext('gc');
    return typeof fn === 'function' ? (fn as GcFunction) : null;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
