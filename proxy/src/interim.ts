import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { stripHopByHop } from './headers';

type RawWriter = { _writeRaw?: (data: string, encoding: BufferEncoding) => void };

/**
 * Relays an upstream 1xx (other than 101) to the client ahead of the final
 * response: RFC 9110 §15.2, a proxy MUST forward 1xx responses — but never to
 * an HTTP/1.0 client, which cannot parse them. Hop-by-hop fields are dropped
 * as for any message (R1). Node's `writeHead` sends only final responses; its
 * own writeContinue/writeProcessing/writeEarlyHints write interim heads with
 * `_writeRaw`, which queues correctly behind earlier pipelined responses, so
 * the same channel is used here for any 1xx with its fields as sent.
 */
export function relayInterim(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  statusText: string | undefined,
  headers: IncomingHttpHeaders,
): void {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1 || res.headersSent || res.writableEnded) return;
  let head = `HTTP/1.1 ${status} ${statusText || STATUS_CODES[status] || ''}\r\n`;
  for (const [name, value] of Object.entries(stripHopByHop(headers))) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) head += `${name}: ${String(one)}\r\n`;
  }
  head += '\r\n';
  const writer = res as unknown as RawWriter;
  if (typeof writer._writeRaw === 'function') return writer._writeRaw(head, 'latin1');
  // Should Node ever drop the internal writer: the public ones, without the fields they cannot carry.
  if (status === 100) res.writeContinue();
  else if (status === 102) res.writeProcessing();
}
