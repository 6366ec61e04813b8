import type { WebSocket } from 'ws';
import type { LiveMessage } from '@hopscope/shared';

/** A client whose socket holds more than this is slow: further messages are dropped and counted. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A client that stays that slow this long has stopped reading: it is disconnected, freeing its buffers. */
const STALL_MS = 10_000;
/** Dashboards connected at once; each can hold MAX_BUFFERED_BYTES plus its socket's kernel buffers. */
const MAX_CLIENTS = 64;
/** RFC 6455 §7.4.1 1013 "Try Again Later" (IANA WebSocket close codes registry). */
const TRY_AGAIN_LATER = 1013;

interface Client {
  socket: WebSocket;
  dropped: number;
  /** When its buffer first went over the bound, while it stays over. */
  slowSince?: number;
}

export interface LiveLimits {
  maxClients: number;
  stallMs: number;
}

/**
 * Fan-out of live messages to dashboard sockets, like Vite's ws.ts: serialize
 * once per broadcast, send only to open sockets, bound each client's queue
 * and tell the client how many messages it missed. Memory stays bounded with
 * clients that never read: there are at most `maxClients`, and one whose
 * queue stays full for `stallMs` is disconnected (counted in `evicted`).
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  droppedTotal = 0;
  /** Clients disconnected for not reading, or turned away because the hub had as many as it takes. */
  evicted = 0;

  constructor(private readonly limits: LiveLimits = { maxClients: MAX_CLIENTS, stallMs: STALL_MS }) {}

  add(socket: WebSocket, hello: LiveMessage): boolean {
    this.evictStalled(Date.now());
    if (this.clients.size >= this.limits.maxClients) {
      this.evicted++;
      socket.close(TRY_AGAIN_LATER, 'HOPSCOPE_HUB_LIVE_FULL: too many dashboards connected');
      return false;
    }
    const client: Client = { socket, dropped: 0 };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.send(JSON.stringify(hello));
    return true;
  }

  broadcast(message: LiveMessage): void {
    if (this.clients.size === 0) return;
    const now = Date.now();
    this.evictStalled(now);
    const text = JSON.stringify(message);
    for (const client of this.clients) {
      if (client.socket.readyState !== client.socket.OPEN) continue;
      if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        client.slowSince ??= now;
        client.dropped++;
        this.droppedTotal++;
        continue;
      }
      client.slowSince = undefined;
      if (client.dropped > 0) {
        client.socket.send(JSON.stringify({ type: 'dropped', count: client.dropped } satisfies LiveMessage));
        client.dropped = 0;
      }
      client.socket.send(text);
    }
  }

  get size(): number {
    return this.clients.size;
  }

  closeAll(): void {
    for (const client of this.clients) client.socket.terminate();
    this.clients.clear();
  }

  /** Terminated, not closed: a close frame would only join the queue the client is not reading. */
  private evictStalled(now: number): void {
    for (const client of this.clients) {
      if (client.slowSince === undefined || now - client.slowSince < this.limits.stallMs) continue;
      if (client.socket.bufferedAmount <= MAX_BUFFERED_BYTES) {
        client.slowSince = undefined;
        continue;
      }
      this.clients.delete(client);
      this.evicted++;
      client.socket.terminate();
    }
  }
}
