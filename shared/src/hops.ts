/**
 * The hop model (DESIGN.md): every span carries `hopscope.hop` with one of
 * these values, and the dashboard draws one station per hop in this order.
 */
export const HOPS = ['client', 'proxy', 'server', 'queue', 'gateway', 'route', 'view', 'response'] as const;

export type HopName = (typeof HOPS)[number];

/** The hops measured inside the app (by its instrumentation or Server-Timing). */
export const APP_HOPS: readonly HopName[] = ['gateway', 'route', 'view', 'response'];

export function isHopName(value: unknown): value is HopName {
  return typeof value === 'string' && (HOPS as readonly string[]).includes(value);
}

/** Position of a hop in the journey; used to sort hops for display. */
export function hopOrder(hop: HopName): number {
  return HOPS.indexOf(hop);
}
