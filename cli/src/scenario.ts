import { runScenario, SCENARIOS } from '@hopscope/demo';
import type { Hub } from '@hopscope/server';
import type { TargetInfo } from '@hopscope/shared';
import { badOption } from './errors';

export interface ScenarioChoice {
  /** A name from SCENARIOS ("talk"). */
  name: string;
  /** Multiplies every step's duration; tests use a small one. Default 1. */
  timeScale?: number;
  /** Where each step is printed (stdout for the bin). */
  log?: (line: string) => void;
}

/** Refuses an unknown scenario name with the known ones. */
export function checkScenarioName(name: string): void {
  if (!SCENARIOS[name]) throw badOption(`Unknown scenario "${name}": the scenarios are ${Object.keys(SCENARIOS).join(', ')}`);
}

/**
 * Runs the scenario once, when the first dashboard connects to /api/live (so
 * the audience sees it from the start); the hub keeps serving afterwards.
 * Returns a stop function for close().
 */
export function scheduleScenario(hub: Hub, targets: readonly TargetInfo[], choice: ScenarioChoice): () => Promise<void> {
  checkScenarioName(choice.name);
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  hub.onLiveConnect(() => {
    if (running) return;
    running = runScenario(SCENARIOS[choice.name]!, {
      hub,
      targets,
      timeScale: choice.timeScale,
      log: choice.log,
      signal: controller.signal,
    })
      .then(() => choice.log?.('scenario finished; the dashboard keeps running'))
      .catch((error: unknown) => choice.log?.(`scenario stopped: ${(error as Error).message}`));
  });
  return async () => {
    controller.abort();
    await running;
  };
}
