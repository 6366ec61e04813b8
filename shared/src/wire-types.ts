import type { TargetInfo, Trace } from './model';
import type { StatsSnapshot } from './stats';

/**
 * Hub → dashboard messages on the WebSocket `/api/live`, one JSON object per
 * frame. `hello` greets a new client; `trace` carries a new or updated trace
 * (in flight or finished; the latest version wins, keyed by traceId);
 * `stats` is sent about once a second; `dropped` tells a slow client how many
 * messages it missed; `scenario` is a step of a scripted talk scenario
 * (`hopscope demo --scenario talk`): a caption to show and, optionally, one
 * request to play in slow motion at `rate`.
 */
export type LiveMessage =
  | { type: 'hello'; serverTime: number; targets: TargetInfo[] }
  | { type: 'trace'; trace: Trace }
  | { type: 'stats'; stats: StatsSnapshot }
  | { type: 'dropped'; count: number }
  | { type: 'scenario'; step: number; steps: number; caption: string; focusTraceId?: string; rate?: number; done?: boolean };
