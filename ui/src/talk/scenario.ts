import type { LiveMessage } from '@hopscope/shared';

type ScenarioMessage = Extract<LiveMessage, { type: 'scenario' }>;

/** The caption banner of a scripted scenario (`hopscope demo --scenario talk`): text only. */
export function showCaption(message: ScenarioMessage): void {
  const banner = document.getElementById('caption')!;
  banner.hidden = false;
  banner.dataset.step = String(message.step);
  banner.dataset.done = String(message.done === true);
  banner.textContent = `${message.step} / ${message.steps} · ${message.caption}`;
}
