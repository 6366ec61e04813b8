import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { buildConnector, Client, type Dispatcher } from 'undici';

/**
 * One attempt of a request as seen from the upstream connection it went out
 * on: whether that connection had carried a request before (reused), and
 * whether any byte of an answer has come back since the request was written.
 * undici's dispatch handler is told neither, so both are learnt from the
 * sockets the proxy opens itself (trackedConnector) and from undici's
 * documented `undici:client:sendHeaders` diagnostics channel, which names the
 * socket a request is written to.
 */
export class UpstreamAttempt {
  reused = false;
  private socket: Socket | undefined;
  private bytesReadAtWrite = 0;

  /** @param onUnsolicitedContinue called for each `100 Continue` taken out before undici's parser saw it */
  constructor(readonly onUnsolicitedContinue: () => void) {}

  /** True once any byte came back after the request was written (an interim 100 included). */
  answerBegan(): boolean {
    return this.socket !== undefined && this.socket.bytesRead > this.bytesReadAtWrite;
  }

  wroteOn(socket: Socket, reused: boolean): void {
    this.socket = socket;
    this.reused = reused;
    this.bytesReadAtWrite = socket.bytesRead;
  }
}

interface Connection {
  requests: number;
  attempt: UpstreamAttempt | undefined;
  /** No byte of the current attempt's answer has been handed to undici yet. */
  awaitingAnswer: boolean;
  /** The start of what may be a `100 Continue` head, held back until it is whole. */
  held: Buffer | undefined;
}

const connections = new WeakMap<Socket, Connection>();
/** The attempt undici is writing right now: set in onRequestStart, which undici calls synchronously just before it publishes sendHeaders. */
let writing: UpstreamAttempt | undefined;

export function announceWrite(attempt: UpstreamAttempt): void {
  writing = attempt;
}

diagnostics.subscribe('undici:client:sendHeaders', (message) => {
  const { socket } = message as { socket: Socket };
  const connection = connections.get(socket);
  if (!connection || !writing) return;
  connection.requests++;
  connection.attempt = writing;
  connection.awaitingAnswer = true;
  connection.held = undefined;
  writing.wroteOn(socket, connection.requests > 1);
  writing = undefined;
});

/** undici's own connector (10 s connect timeout, TCP keep-alive), with every socket it makes tracked. */
export function trackedConnector(): buildConnector.connector {
  const connect = buildConnector({ timeout: 10_000 });
  return (options, callback) =>
    connect(options, (...args) => {
      if (args[1]) track(args[1] as Socket);
      callback(...args);
    });
}

/** Sends one request (a resend) on a connection of its own, closed once that request is done. */
export function dispatchOnFreshConnection(
  origin: string,
  options: Client.Options,
  request: Dispatcher.DispatchOptions,
  handler: Dispatcher.DispatchHandler,
): void {
  const client = new Client(origin, { ...options, connect: trackedConnector() });
  client.dispatch(request, handler);
  void client.close().catch(() => {});
}

const EMPTY = Buffer.alloc(0);
const CONTINUE_STARTS = ['HTTP/1.1 100 ', 'HTTP/1.0 100 ', 'HTTP/1.1 100\r', 'HTTP/1.0 100\r'];
const PREFIX = CONTINUE_STARTS[0]!.length;
const MAX_HELD = 16 * 1024;

/**
 * undici reads each socket with `socket.read()` and destroys the connection
 * on any `100 Continue` (it never sends `Expect`), so an app that says 100
 * unasked made the request fail although its real answer followed. RFC 9110
 * §15.2: a client must be able to parse 1xx it did not expect. A 100 can only
 * come first in an answer, so only the first bytes after a request was
 * written are looked at; every later read is passed through untouched.
 */
function track(socket: Socket): void {
  const connection: Connection = { requests: 0, attempt: undefined, awaitingAnswer: false, held: undefined };
  connections.set(socket, connection);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null || size === 0 || !connection.awaitingAnswer) return chunk;
    return withoutLeadingContinue(connection, chunk);
  };
}

function withoutLeadingContinue(connection: Connection, chunk: Buffer): Buffer {
  let data = connection.held ? Buffer.concat([connection.held, chunk]) : chunk;
  connection.held = undefined;
  for (;;) {
    if (data.length < PREFIX) {
      const text = data.toString('latin1');
      if (CONTINUE_STARTS.some((start) => start.startsWith(text))) return hold(connection, data);
      break;
    }
    if (!isContinueHead(data)) break;
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > MAX_HELD) break;
      return hold(connection, data);
    }
    data = data.subarray(end + 4);
    connection.attempt?.onUnsolicitedContinue();
  }
  connection.awaitingAnswer = false;
  // An idle pooled connection must not keep the last exchange (its request and response) alive.
  connection.attempt = undefined;
  return data;
}

const HTTP_1_DOT = Buffer.from('HTTP/1.', 'latin1');

/** `HTTP/1.[01] 100[ \r]` at the start of `data` (at least PREFIX bytes), compared byte by byte: no string per response. */
function isContinueHead(data: Buffer): boolean {
  return (
    data.compare(HTTP_1_DOT, 0, 7, 0, 7) === 0 &&
    (data[7] === 0x30 || data[7] === 0x31) &&
    data[8] === 0x20 &&
    data[9] === 0x31 &&
    data[10] === 0x30 &&
    data[11] === 0x30 &&
    (data[12] === 0x20 || data[12] === 0x0d)
  );
}

/** An empty read makes undici's loop read again, so the socket signals the next data as usual. */
function hold(connection: Connection, data: Buffer): Buffer {
  connection.held = data;
  return EMPTY;
}
