import type { Hop, HopName } from '@hopscope/shared';

export interface TimingFacts {
  /**
   * The app stamps span starts in whole milliseconds (OTel JS SDK 2.x uses
   * `Date.now()`): its starts are truncated, so each is up to 1 ms early.
   */
  msClock: boolean;
  /** The `route` hop came from a framework's router span, which Express ends at once (not from `hopscope.hop`). */
  routeFromRouter: boolean;
  /**
   * The `view` hop came from a framework's handler span. Spans that say
   * `hopscope.hop` (hopscope's integrations, the demo) say every hop they
   * measured, so nothing is derived around them.
   */
  viewFromHandler: boolean;
}

/**
 * Hops computed from the measured ones (DESIGN.md hop model): `queue` (sent
 * upstream → the app's gateway started), a `route` from the gateway's start
 * (or the router's) to the handler's start when no span measured routing, and
 * a `response` from the handler's end to the gateway's end. Derived hops are
 * never negative; from a whole-millisecond clock they are marked imprecise,
 * and an app hop that starts less than 1 ms before the one it follows (a
 * truncation, not a real order) is moved to it and marked imprecise too.
 * No view is ever invented: without a handler span there is no route or
 * response to derive.
 */
export function deriveAppHops(hops: Hop[], facts: TimingFacts): void {
  const find = (name: HopName) => hops.find((h) => h.hop === name && h.source !== 'synthesized');
  const server = find('server');
  const gateway = find('gateway');
  const view = find('view');
  if (server && gateway) {
    notBefore(gateway, server.start, facts.msClock);
    hops.push(derived('queue', server.start, gateway.start, facts.msClock || gateway.start < server.start));
  }
  if (gateway && view) notBefore(view, gateway.start, facts.msClock);

  const route = find('route');
  if (route && facts.routeFromRouter && view && view.start > route.start) {
    // The router span ends as it dispatches; routing lasts until the handler starts.
    Object.assign(route, { duration: view.start - route.start, measured: false, source: 'derived', inFlight: false });
    if (facts.msClock) route.imprecise = true;
  } else if (!route && gateway && view && facts.viewFromHandler) {
    hops.push(derived('route', gateway.start, view.start, facts.msClock));
  }

  if (!find('response') && gateway && view && facts.viewFromHandler && !gateway.inFlight && !view.inFlight) {
    const viewEnd = view.start + view.duration;
    const gatewayEnd = gateway.start + gateway.duration;
    if (gatewayEnd > viewEnd) hops.push(derived('response', viewEnd, gatewayEnd, facts.msClock));
  }
}

function derived(hop: HopName, start: number, end: number, imprecise: boolean): Hop {
  const result: Hop = {
    hop,
    start,
    duration: Math.max(0, end - start),
    measured: false,
    source: 'derived',
    inFlight: false,
    attributes: {},
  };
  if (imprecise) result.imprecise = true;
  return result;
}

/** Keeps `hop` from starting before `floor` when the gap is within a truncated clock's error (< 1 ms); its end stays. */
function notBefore(hop: Hop, floor: number, msClock: boolean): void {
  if (hop.start >= floor || !msClock || floor - hop.start >= 1) return;
  const end = hop.start + hop.duration;
  hop.start = floor;
  hop.duration = Math.max(0, end - floor);
  hop.imprecise = true;
}
