import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, isLoop, stripHopByHop, upstreamRequestHeaders, withoutHubCookie, type ForwardingContext } from './headers';

const context: ForwardingContext = {
  clientAddress: '127.0.0.1',
  upstreamHost: '127.0.0.1:5000',
  via: '1.1 hopscope-abc',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  requestStartMicros: 1_700_000_000_123_456,
};

describe('stripHopByHop (RFC 9110 §7.6.1)', () => {
  it('drops every hop-by-hop field and keeps the end-to-end ones', () => {
    const hopByHop = {
      connection: 'close',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
      trailer: 'x-checksum',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'http2-settings': 'AAMAAABkAAQAAP__',
      'proxy-authenticate': 'Basic',
      'proxy-authorization': 'Basic eDp5',
    };
    const kept = { 'content-type': 'text/plain', accept: '*/*', 'set-cookie': ['a=1', 'b=2'] };
    expect(stripHopByHop({ ...hopByHop, ...kept })).toEqual(kept);
  });

  it('drops the fields Connection names, however they are spelled and spaced', () => {
    const out = stripHopByHop({ connection: ' Keep-Alive , X-Secret,,x-other ', 'x-secret': '1', 'x-other': '2', 'x-kept': '3' });
    expect(out).toEqual({ 'x-kept': '3' });
  });

  it('reads a Connection header given more than once', () => {
    const out = stripHopByHop({ connection: ['x-one', 'x-two'] as unknown as string, 'x-one': '1', 'x-two': '2', 'x-three': '3' });
    expect(out).toEqual({ 'x-three': '3' });
  });

  it('returns a copy without undefined values and leaves the input alone', () => {
    const input = { a: '1', b: undefined, connection: 'close' };
    expect(stripHopByHop(input)).toEqual({ a: '1' });
    expect(Object.keys(stripHopByHop(input))).toEqual(['a']);
    expect(input).toEqual({ a: '1', b: undefined, connection: 'close' });
  });
});

describe('upstreamRequestHeaders', () => {
  it('adds the forwarding headers after stripping, so Connection cannot remove them (R2)', () => {
    const out = upstreamRequestHeaders(
      { host: 'localhost:8080', connection: 'x-forwarded-for, via, traceparent, x-request-start', accept: 'text/html' },
      context,
    );
    expect(out).toEqual({
      accept: 'text/html',
      host: '127.0.0.1:5000',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'localhost:8080',
      via: '1.1 hopscope-abc',
      traceparent: context.traceparent,
      'x-request-start': 't=1700000000123456',
    });
  });

  it('appends to an X-Forwarded-For and a Via that are already there', () => {
    const out = upstreamRequestHeaders({ host: 'h', 'x-forwarded-for': '203.0.113.9', via: '1.0 corp-proxy' }, context);
    expect(out['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(out.via).toBe('1.0 corp-proxy, 1.1 hopscope-abc');
  });

  it("replaces the client traceparent and tracestate with the propagator's, and sends no X-Forwarded-Host without a Host", () => {
    const out = upstreamRequestHeaders({ traceparent: '00-aa-bb-01', tracestate: 'vendor=1' }, context);
    expect(out.traceparent).toBe(context.traceparent);
    expect(out).not.toHaveProperty('tracestate');
    expect(upstreamRequestHeaders({ tracestate: 'vendor=1,x=2' }, { ...context, tracestate: 'vendor=1' }).tracestate).toBe('vendor=1');
    expect(out).not.toHaveProperty('x-forwarded-host');
    expect(out.host).toBe('127.0.0.1:5000');
  });

  it("removes the hub's token cookie and keeps the app's cookies", () => {
    expect(upstreamRequestHeaders({ cookie: 'session=abc; hopscope_token=secret' }, context).cookie).toBe('session=abc');
    expect(upstreamRequestHeaders({ cookie: 'hopscope_token=secret' }, context)).not.toHaveProperty('cookie');
    expect(upstreamRequestHeaders({ cookie: 'a=1;b=2' }, context).cookie).toBe('a=1;b=2');
    expect(upstreamRequestHeaders({}, context)).not.toHaveProperty('cookie');
  });
});

describe('withoutHubCookie', () => {
  it('leaves a Cookie header without the hub cookie byte for byte (R4)', () => {
    expect(withoutHubCookie('a=1;b=2 ;  c=3')).toBe('a=1;b=2 ;  c=3');
    expect(withoutHubCookie(undefined)).toBeUndefined();
    expect(withoutHubCookie(['a=1', 'b=2'])).toBe('a=1; b=2');
    expect(withoutHubCookie(7)).toBe('7');
  });

  it('removes only the cookie named hopscope_token, wherever it is', () => {
    expect(withoutHubCookie('hopscope_token=x; a=1')).toBe('a=1');
    expect(withoutHubCookie('a=1; hopscope_token = x ;b=2')).toBe('a=1; b=2');
    expect(withoutHubCookie('my_hopscope_token=1; hopscope_token_old=2')).toBe('my_hopscope_token=1; hopscope_token_old=2');
    expect(withoutHubCookie(['a=1', 'hopscope_token=x'])).toBe('a=1');
    expect(withoutHubCookie('hopscope_token=x;;')).toBeUndefined();
  });
});

describe('clientResponseHeaders', () => {
  it("strips the upstream's hop-by-hop fields (R1) and sets hopscope's Server-Timing", () => {
    const out = clientResponseHeaders(
      {
        'content-type': 'text/plain',
        connection: 'keep-alive, x-upstream-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-upstream-hop': '1',
        'server-timing': 'app;dur=1',
      },
      'app;dur=1, proxy;dur=2',
    );
    expect(out).toEqual({ 'content-type': 'text/plain', 'server-timing': 'app;dur=1, proxy;dur=2' });
  });
});

describe('isLoop (R3)', () => {
  it('is true only when this instance is one of the Via entries', () => {
    expect(isLoop({ via: '1.1 hopscope-abc' }, '1.1 hopscope-abc')).toBe(true);
    expect(isLoop({ via: '1.0 corp,  1.1 hopscope-abc ' }, '1.1 hopscope-abc')).toBe(true);
    expect(isLoop({ via: '1.1 hopscope-abcd' }, '1.1 hopscope-abc')).toBe(false);
    expect(isLoop({ via: '1.1 hopscope-other, 1.0 corp' }, '1.1 hopscope-abc')).toBe(false);
    expect(isLoop({}, '1.1 hopscope-abc')).toBe(false);
  });
});
