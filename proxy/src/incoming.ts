import http, { type IncomingMessage } from 'node:http';

const ASKED_FOR_UPGRADE = Symbol('askedForUpgrade');

type Flagged = IncomingMessage & { [ASKED_FOR_UPGRADE]?: boolean };

/** R8: the one upgrade the proxy tunnels is a WebSocket handshake, which is a GET without a body (`Content-Length: 0` is none). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (req.method !== 'GET' || req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) return false;
  return hasToken(req.headers.upgrade, 'websocket');
}

/** A comma-separated header (Upgrade, Connection) names `token`, in any case. */
export function hasToken(value: string | undefined, token: string): boolean {
  return String(value ?? '')
    .toLowerCase()
    .split(',')
    .some((one) => one.trim() === token);
}

/** True when the client sent `Connection: upgrade` with an `Upgrade` the proxy serves as a plain request instead. */
export function askedForUpgrade(req: IncomingMessage): boolean {
  return (req as Flagged)[ASKED_FOR_UPGRADE] === true;
}

/**
 * The request class of the proxy's server. Node decides that a request is an
 * upgrade from its parser's flag alone (any `Connection: upgrade` with an
 * `Upgrade` header) and then hands the socket over with the body unparsed,
 * so a `POST` with `Upgrade: h2c` (what `curl --http2` sends to http://) lost
 * its body. Node sets `upgrade` before the method and headers are known and
 * reads it back once they are; this accessor answers true only for what R8
 * tunnels (and CONNECT, refused by its own handler), so everything else is
 * parsed and forwarded as an ordinary request, body included.
 */
export class ProxyIncomingMessage extends http.IncomingMessage {}

Object.defineProperty(ProxyIncomingMessage.prototype, 'upgrade', {
  configurable: true,
  enumerable: true,
  get(this: Flagged): boolean {
    if (this[ASKED_FOR_UPGRADE] !== true) return false;
    return this.method === 'CONNECT' || isWebSocketUpgrade(this);
  },
  set(this: Flagged, value: boolean) {
    this[ASKED_FOR_UPGRADE] = value;
  },
});
