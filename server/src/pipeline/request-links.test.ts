import { describe, expect, it } from 'vitest';
import { ATTR_HOPSCOPE_HOP, ATTR_HOPSCOPE_TARGET, type SpanRecord } from '@hopscope/shared';
import { TraceStore } from './store';

const TRACE = 'd'.repeat(32);
const id = (n: number) => String(n).repeat(16);

function span(
  spanId: string,
  parent: string | undefined,
  kind: SpanRecord['kind'],
  attributes: SpanRecord['attributes'],
  start = 0,
): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: parent,
    name: 's',
    kind,
    startMs: start,
    endMs: start + 10,
    attributes,
    resource: {},
    status: { code: 'unset' },
    events: [],
  };
}

// shop's proxy → shop's gateway → its HTTP call → stock's proxy → stock's gateway.
const shopProxy = span(id(1), undefined, 'server', { [ATTR_HOPSCOPE_HOP]: 'proxy', [ATTR_HOPSCOPE_TARGET]: 'shop' });
const shopGateway = span(id(2), id(1), 'server', { [ATTR_HOPSCOPE_HOP]: 'gateway' });
const call = span(id(3), id(2), 'client', { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:8081/items/1' }, 2);
const stockProxy = span(id(4), id(3), 'server', { [ATTR_HOPSCOPE_HOP]: 'proxy', [ATTR_HOPSCOPE_TARGET]: 'stock' }, 3);
const stockGateway = span(id(5), id(4), 'server', { [ATTR_HOPSCOPE_HOP]: 'gateway' }, 4);
const STOCK = `${TRACE}-${id(4)}`;

describe('requests of two services in one trace', () => {
  it.each([
    ['in order', [shopProxy, shopGateway, call, stockProxy, stockGateway]],
    // The usual order: proxies announce their spans at the start, the apps export theirs when they end (innermost first).
    ['as they really arrive', [shopProxy, stockProxy, stockGateway, call, shopGateway]],
  ])("%s: the call is the calling request's, links to the request it made, which says who called it", (_, spans) => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 });
    for (const s of spans) store.add({ ...s });
    const shop = store.get(TRACE)!;
    expect(shop.target).toBe('shop');
    expect(shop.calls).toMatchObject([{ kind: 'http', spanId: id(3), request: STOCK, requestTarget: 'stock' }]);
    const stock = store.get(STOCK)!;
    expect(stock.target).toBe('stock');
    expect(stock.calls).toBeUndefined();
    expect(stock.calledBy).toEqual({ request: TRACE, target: 'shop', spanId: id(3) });
    expect(shop.calledBy).toBeUndefined();
  });

  // A proxy announces a span's start only once it has been in flight a while: a quick call to stock ends, and its
  // spans arrive, before shop's proxy span is known. The call waits in stock's entry, then moves to shop's request.
  it('when the called request ends before the caller is announced, the call still moves to the calling request', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 });
    for (const s of [stockProxy, stockGateway, call, shopProxy, shopGateway]) store.add({ ...s });
    const byTarget = Object.fromEntries(store.list({ limit: 10 }).map((t) => [t.target, store.get(t.traceId)!]));
    expect(byTarget['shop']!.calls).toMatchObject([{ kind: 'http', spanId: id(3), request: byTarget['stock']!.traceId }]);
    expect(byTarget['stock']!.calls).toBeUndefined();
    expect(byTarget['stock']!.calledBy).toEqual({ request: byTarget['shop']!.traceId, target: 'shop', spanId: id(3) });
    expect(byTarget['stock']!.spans!.map((s) => s.spanId)).toEqual([id(4), id(5)]);
  });

  it("names the caller from its spans, and tells a live view the called request changed, when the caller's proxy span comes last", () => {
    const changed: string[] = [];
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 }, (key) => changed.push(key));
    for (const s of [shopGateway, call, stockProxy, stockGateway]) store.add({ ...s });
    store.list({ limit: 10 });
    changed.length = 0;
    store.add({ ...shopProxy });
    // Stock's proxy span came first, so stock's request holds the trace id; read it before the caller's request was
    // ever assembled with its proxy span: the caller's name comes from the spans.
    const stockKey = TRACE;
    expect(store.get(stockKey)).toMatchObject({
      target: 'stock',
      calledBy: { request: `${TRACE}-${id(1)}`, target: 'shop', spanId: id(3) },
    });
    // The dashboard holds the copy of stock's request it was sent: it is told to fetch it again.
    expect(changed).toContain(stockKey);
  });

  it('tells a live view the called request changed when the call that made it arrives in the caller', () => {
    const changed: string[] = [];
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 }, (key) => changed.push(key));
    for (const s of [stockProxy, stockGateway, shopProxy, shopGateway]) store.add({ ...s });
    changed.length = 0;
    store.add({ ...call });
    expect(changed).toEqual([`${TRACE}-${id(1)}`, TRACE]);
    expect(store.get(TRACE)!.calledBy).toMatchObject({ target: 'shop' });
  });

  it('an app span ahead of the proxy span it hangs under awaits it for a grace, then stands as a request of its own', () => {
    const store = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 });
    store.add({ ...shopGateway });
    const now = Date.now();
    expect(store.awaitsParent(TRACE, 300, now)).toBe(true);
    expect(store.awaitsParent(TRACE, 300, now + 300)).toBe(false);
    store.add({ ...shopProxy });
    expect(store.awaitsParent(TRACE, 300, now)).toBe(false);
    expect(store.get(TRACE)!.target).toBe('shop');
    // A span with no parent is a root: nothing to wait for.
    const lone = new TraceStore({ maxTraces: 10, maxSpansPerTrace: 50 });
    lone.add({ ...shopProxy, attributes: { [ATTR_HOPSCOPE_HOP]: 'gateway' } });
    expect(lone.awaitsParent(TRACE, 300, now)).toBe(false);
  });
});
