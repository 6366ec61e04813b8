import type { FastifyInstance } from 'fastify';
import type { TargetInfo, TargetState } from '@hopscope/shared';

/** A listener the hub starts itself: `off` when not configured (e.g. `--otlp-grpc-port` unset with an ephemeral stack). */
export type ListenerState = 'off' | 'starting' | 'ready';

export interface HealthDeps {
  /** Every configured target, with its proxy's state. */
  targets(): TargetInfo[];
  receivers(): { otlpHttp: ListenerState; otlpGrpc: ListenerState };
}

export interface HealthAnswer {
  /** `ready` only when every proxy listens and every configured OTLP receiver is up. */
  status: 'ready' | 'starting' | 'failed';
  /** Proxies by state (counts, no names: /healthz needs no token, /api/targets names them). */
  proxies: Record<TargetState, number>;
  receivers: { otlpHttp: ListenerState; otlpGrpc: ListenerState };
  /** What is not ready yet, in words, for a person reading a failed container health check. */
  waitingFor: string[];
}

/** The target's state; a target added without one (tests, replay) is ready: it was added once its proxy listened. */
export function targetState(target: TargetInfo): TargetState {
  return target.state ?? 'ready';
}

export function healthOf(deps: HealthDeps): HealthAnswer {
  const proxies: Record<TargetState, number> = { starting: 0, ready: 0, failed: 0 };
  for (const target of deps.targets()) proxies[targetState(target)] += 1;
  const receivers = deps.receivers();
  const waitingFor: string[] = [];
  if (proxies.failed > 0) waitingFor.push(`${proxies.failed} proxy(ies) failed to listen`);
  if (proxies.starting > 0) waitingFor.push(`${proxies.starting} proxy(ies) starting`);
  if (receivers.otlpHttp === 'starting') waitingFor.push('the OTLP/HTTP receiver');
  if (receivers.otlpGrpc === 'starting') waitingFor.push('the OTLP/gRPC receiver');
  const status = proxies.failed > 0 ? 'failed' : waitingFor.length > 0 ? 'starting' : 'ready';
  return { status, proxies, receivers, waitingFor };
}

/**
 * `GET /healthz` on the dashboard port: 200 when ready, 503 otherwise, for
 * container health checks, compose's `service_healthy` and scripts that wait
 * for hopscope before sending traffic. It answers without the token (guard.ts
 * lets this one route through): it says only whether hopscope is up and how
 * many proxies are in which state, which anyone who can reach the port learns
 * anyway by connecting to it; names and URLs stay behind the token.
 */
export async function healthRoute(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  app.get(HEALTH_PATH, async (_request, reply) => {
    const answer = healthOf(deps);
    // A health answer is about this moment: never reuse one.
    void reply.header('cache-control', 'no-store');
    return reply.code(answer.status === 'ready' ? 200 : 503).send(answer);
  });
}

export const HEALTH_PATH = '/healthz';
