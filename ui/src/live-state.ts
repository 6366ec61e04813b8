import { BASE_DELAY_MS } from './live-delay';
import type { Playback } from './playback';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Further behind the live edge than this (slow motion, 0.1×), the badge says by how much. */
const BEHIND_NOTICE_MS = 1_500;

export type LiveState = { kind: 'live' } | { kind: 'paused' } | { kind: 'behind'; seconds: number };

/** Where the live dashboard's clock stands against the live edge (real time minus the base delay). */
export function liveState(paused: boolean, behindMs: number): LiveState {
  if (paused) return { kind: 'paused' };
  if (behindMs > BEHIND_NOTICE_MS) return { kind: 'behind', seconds: Math.round(behindMs / 1000) };
  return { kind: 'live' };
}

/**
 * The live badge and the Pause button say what the clock does, four times a
 * second, in every mode (presentation mode too): "paused" with Resume, "n s
 * behind" at a slow speed, and a "Go live" button back to the live edge.
 * The connection itself (connecting, disconnected) keeps its own words.
 */
export function mountLiveState(playback: Playback, onGoLive: () => void): void {
  const badge = byId('connection');
  const pause = byId<HTMLButtonElement>('pause');
  const goLive = byId<HTMLButtonElement>('go-live');
  goLive.addEventListener('click', () => {
    playback.closeSlowMotion();
    playback.clock.goLive();
    onGoLive();
  });
  const update = () => {
    const live = document.body.dataset.mode === 'live' && !playback.replay;
    const paused = playback.paused;
    setText(pause, paused ? 'Resume' : 'Pause');
    pause.setAttribute('aria-pressed', String(paused));
    const connected = live && badge.classList.contains('live');
    const state = liveState(paused, Date.now() - BASE_DELAY_MS - playback.clock.now());
    if (connected) {
      setText(badge, state.kind === 'live' ? 'live' : state.kind === 'paused' ? 'paused' : `${state.seconds} s behind`);
      badge.dataset.state = state.kind;
    } else delete badge.dataset.state;
    const away = connected && state.kind !== 'live';
    if (goLive.hidden === away) goLive.hidden = !away;
  };
  update();
  setInterval(update, 250);
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
