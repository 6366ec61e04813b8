export type ConnectionState = 'connecting' | 'live' | 'disconnected';

/**
 * The live stream from the hub, reconnecting by itself with backoff (0.5 s up
 * to 5 s) when the hub restarts. Messages are handed on as text: the page
 * validates them where it applies them, once per frame (live-inbox.ts).
 */
export function connectLive(onMessage: (raw: string) => void, onState: (state: ConnectionState) => void): void {
  let delay = 500;
  const open = () => {
    onState('connecting');
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live${location.search}`);
    socket.onopen = () => {
      delay = 500;
      onState('live');
    };
    socket.onmessage = (event) => onMessage(String(event.data));
    socket.onclose = () => {
      onState('disconnected');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5_000);
    };
  };
  open();
}
