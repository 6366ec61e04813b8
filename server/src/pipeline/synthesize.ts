import { APP_HOPS, ATTR_HOPSCOPE_SYNTHESIZED, parseServerTiming, type AttrValue, type Hop, type HopName } from '@hopscope/shared';

/** Server-Timing entry names read as app hops; `app` is a common name for the whole app time. */
const ENTRY_TO_HOP: Record<string, HopName> = { gateway: 'gateway', app: 'gateway', route: 'route', view: 'view', response: 'response' };

/**
 * App hops synthesized from the upstream's Server-Timing header when the app
 * exports no spans (DESIGN.md): the gateway ends when the upstream answer
 * ended, and route, view, response are laid out one after another from the
 * gateway's start. Marked as synthesized, not measured.
 */
export function synthesizeFromServerTiming(server: Hop, header: AttrValue | undefined): Hop[] {
  if (typeof header !== 'string') return [];
  const durations = new Map<HopName, number>();
  for (const entry of parseServerTiming(header)) {
    const name = entry.name.toLowerCase();
    // Own keys only: an entry named "constructor" is no hop.
    const hop = Object.hasOwn(ENTRY_TO_HOP, name) ? ENTRY_TO_HOP[name] : undefined;
    if (hop && entry.duration !== undefined && !durations.has(hop)) durations.set(hop, entry.duration);
  }
  if (durations.size === 0) return [];
  const inner = ['route', 'view', 'response'] as const;
  const innerTotal = inner.reduce((sum, hop) => sum + (durations.get(hop) ?? 0), 0);
  const gatewayDuration = Math.min(server.duration, durations.get('gateway') ?? innerTotal);
  const gatewayStart = server.start + server.duration - gatewayDuration;
  const hops: Hop[] = [synthesized('gateway', gatewayStart, gatewayDuration)];
  let cursor = gatewayStart;
  for (const hop of inner) {
    const duration = durations.get(hop);
    if (duration === undefined || !APP_HOPS.includes(hop)) continue;
    hops.push(synthesized(hop, cursor, duration));
    cursor += duration;
  }
  return hops;
}

function synthesized(hop: HopName, start: number, duration: number): Hop {
  return {
    hop,
    start,
    duration,
    measured: false,
    source: 'synthesized',
    inFlight: false,
    attributes: { [ATTR_HOPSCOPE_SYNTHESIZED]: true },
  };
}
