import { randomFillSync } from 'node:crypto';

/**
 * W3C trace and span ids from a pooled random buffer: one syscall per 4 KiB
 * of ids instead of one per id, because ids are minted on the request path.
 */
const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const hex = POOL.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}
