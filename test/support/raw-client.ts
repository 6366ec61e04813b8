import net from 'node:net';

/** Sends raw bytes to 127.0.0.1:port and returns what came back before the server closed (or `guardMs` passed). */
export function rawExchange(port: number, text: string, guardMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    const timer = setTimeout(() => socket.destroy(), guardMs);
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.on('error', () => {});
  });
}

export interface RawExchange {
  /** Everything the server sent, in order, as text. */
  received: string;
  /** True when the body was sent (only after a `100 Continue` arrived). */
  bodySent: boolean;
  /** True when the server closed the connection (false: the guard timer cut it). */
  closedByServer: boolean;
}

/**
 * A raw-socket client that behaves like a strict `Expect: 100-continue`
 * client: it sends the head, sends the body only once `100 Continue` arrives,
 * and reads until the server closes or `guardMs` passes.
 */
export function expectContinueExchange(port: number, head: string, body: string, guardMs = 5_000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    const result: RawExchange = { received: '', bodySent: false, closedByServer: true };
    const guard = setTimeout(() => {
      result.closedByServer = false;
      socket.destroy();
    }, guardMs);
    socket.on('data', (chunk: Buffer) => {
      result.received += chunk.toString('latin1');
      if (!result.bodySent && /^HTTP\/1\.1 100 [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/.test(result.received)) {
        result.bodySent = true;
        socket.write(body);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(result);
    });
  });
}
