export { createProxy } from './create-proxy';
export type { ProxyConfig, ProxyHandle, ProxyOptions } from './create-proxy';
export { PROXY_FAILURES } from './errors';
export type { ProxyFailureCode } from './errors';
export { stripHopByHop, upstreamRequestHeaders } from './headers';
export { startProxyGroup } from './worker/proxy-group';
export type { ProxyGroup, ProxyGroupOptions } from './worker/proxy-group';
