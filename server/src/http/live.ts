import type { WebSocket } from 'ws';
import type { LiveMessage } from '@hopscope/shared';

/** A client whose socket holds more than this is slow: further messages are dropped and counted. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface Client {
  socket: WebSocket;
  dropped: number;
}

/**
 * Fan-out of live messages to dashboard sockets, like Vite's ws.ts: serialize
 * once per broadcast, send only to open sockets, bound each client's queue
 * and tell the client how many messages it missed.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  droppedTotal = 0;

  add(socket: WebSocket, hello: LiveMessage): void {
    const client: Client = { socket, dropped: 0 };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.send(JSON.stringify(hello));
  }

  broadcast(message: LiveMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const client of this.clients) {
      if (client.socket.readyState !== client.socket.OPEN) continue;
      if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        client.dropped++;
        this.droppedTotal++;
        continue;
      }
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
}
