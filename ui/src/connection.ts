import { parseLiveMessage, type LiveMessage } from '@hopscope/shared';

export type ConnectionState = 'connecting' | 'live' | 'disconnected';

/**
 * The live stream from the hub, reconnecting by itself with backoff (0.5 s up
 * to 5 s) when the hub restarts. Messages are validated where they enter;
 * invalid ones are counted and skipped.
 */
export function connectLive(
  onMessage: (message: LiveMessage) => void,
  onState: (state: ConnectionState) => void,
): { invalid: () => number } {
  let delay = 500;
  let invalid = 0;
  const open = () => {
    onState('connecting');
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live${location.search}`);
    socket.onopen = () => {
      delay = 500;
      onState('live');
    };
    socket.onmessage = (event) => {
      const message = parseLiveMessage(String(event.data));
      if (message) onMessage(message);
      else invalid++;
    };
    socket.onclose = () => {
      onState('disconnected');
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5_000);
    };
  };
  open();
  return { invalid: () => invalid };
}
