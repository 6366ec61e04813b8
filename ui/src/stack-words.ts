import type { StackKind } from '@hopscope/shared';
import { STATIONS, type Station } from './layout';

const FIXED_LABELS: Record<string, string> = {
  client: 'Browser',
  proxy: 'Proxy',
  server: 'Server',
  queue: 'Waiting',
  unreported: 'Not reported yet',
  route: 'Route match',
  view: 'View',
  response: 'Response',
  done: 'Done',
  db: 'Database',
  http: 'HTTP out',
  cache: 'Cache',
  messaging: 'Messaging',
};

/**
 * The gateway station names the kind of server the app's spans say it is.
 * Without app spans (or before they arrive) it is WSGI: the demo's targets
 * and hopscope's own integration are WSGI apps.
 */
const GATEWAY_LABELS: Record<StackKind, string> = {
  wsgi: 'Gateway (WSGI)',
  asgi: 'Gateway (ASGI)',
  node: 'Node http',
  other: 'Gateway',
};

/** A station's label for a target whose app is `stack`; every label fits a station box (STATION_BOX_WIDTH). */
export function stationLabel(station: Station, stack: StackKind | undefined): string {
  if (station === 'gateway') return GATEWAY_LABELS[stack ?? 'wsgi'];
  return FIXED_LABELS[station] ?? station;
}

/** Every label a station box may hold, for the test that they fit. */
export function allStationLabels(): string[] {
  const stacks: Array<StackKind | undefined> = [undefined, 'wsgi', 'asgi', 'node', 'other'];
  return [...new Set(STATIONS.flatMap((station) => stacks.map((stack) => stationLabel(station, stack))))];
}

/** "the WSGI server", "Node's http server": the subject of the gateway's captions. */
export function serverNoun(stack: StackKind | undefined): string {
  switch (stack ?? 'wsgi') {
    case 'wsgi':
      return 'the WSGI server';
    case 'asgi':
      return 'the ASGI server';
    case 'node':
      return "Node's http server";
    case 'other':
      return "the app's server";
  }
}

/** What a request waits for in front of a server of this kind. */
export function waitingFor(stack: StackKind | undefined): string {
  switch (stack ?? 'wsgi') {
    case 'wsgi':
      return 'a free worker';
    case 'asgi':
      return 'a free worker or the event loop';
    case 'node':
      return 'the event loop';
    case 'other':
      return 'a free worker or thread';
  }
}
