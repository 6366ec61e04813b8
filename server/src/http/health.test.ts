import { describe, expect, it } from 'vitest';
import type { TargetInfo } from '@hopscope/shared';
import { healthOf, type ListenerState } from './health';

const target = (name: string, state?: TargetInfo['state']): TargetInfo => ({ name, upstream: 'http://127.0.0.1:1', proxy: '', state });
const receivers = (otlpHttp: ListenerState, otlpGrpc: ListenerState) => () => ({ otlpHttp, otlpGrpc });

describe('healthOf', () => {
  it('is ready only when every proxy listens and every configured receiver is up', () => {
    expect(healthOf({ targets: () => [target('a', 'ready'), target('b')], receivers: receivers('ready', 'off') })).toEqual({
      status: 'ready',
      proxies: { starting: 0, ready: 2, failed: 0 },
      receivers: { otlpHttp: 'ready', otlpGrpc: 'off' },
      waitingFor: [],
    });
    expect(
      healthOf({ targets: () => [target('a', 'ready'), target('b', 'starting')], receivers: receivers('ready', 'ready') }),
    ).toMatchObject({
      status: 'starting',
      waitingFor: ['1 proxy(ies) starting'],
    });
    expect(healthOf({ targets: () => [target('a', 'ready')], receivers: receivers('ready', 'starting') })).toMatchObject({
      status: 'starting',
      waitingFor: ['the OTLP/gRPC receiver'],
    });
  });

  it('a proxy that failed makes the hub failed, not merely starting', () => {
    const health = healthOf({ targets: () => [target('a', 'failed'), target('b', 'starting')], receivers: receivers('starting', 'off') });
    expect(health.status).toBe('failed');
    expect(health.waitingFor).toEqual(['1 proxy(ies) failed to listen', '1 proxy(ies) starting', 'the OTLP/HTTP receiver']);
  });
});
