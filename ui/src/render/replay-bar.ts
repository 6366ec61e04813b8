import { select } from 'd3';
import type { ReplaySession } from '../replay/session';
import { setText } from './text';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The replay bar: play/pause, the scrubber over the whole recording, the time. */
export function renderReplayBar(session: ReplaySession | undefined, at: number, paused: boolean): void {
  const bar = byId('replay-bar');
  // Called every frame: touch the DOM only when something changed.
  if (bar.hidden !== (session === undefined)) bar.hidden = session === undefined;
  if (!session) return;
  const length = Math.max(1, session.end - session.start);
  const scrubber = byId<HTMLInputElement>('scrubber');
  if (scrubber.max !== String(Math.ceil(length))) scrubber.max = String(Math.ceil(length));
  const position = Math.min(length, Math.max(0, at - session.start));
  // Leave the thumb alone while the speaker drags it.
  const rounded = String(Math.round(position));
  if (scrubber.value !== rounded && (document.activeElement !== scrubber || paused)) scrubber.value = rounded;
  if (bar.dataset.playhead !== rounded) bar.dataset.playhead = rounded;
  select(byId('replay-time')).call(setText, `${clock(position)} / ${clock(length)}`);
  select(byId('replay-play')).call(setText, paused ? 'Play' : 'Pause');
  select(byId('replay-title')).call(setText, `${session.recording.title} · ${session.traces.length} requests`);
}

function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const tenths = Math.floor((ms % 1000) / 100);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}.${tenths}`;
}
