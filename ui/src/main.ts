import { select } from 'd3';
import type { LiveMessage, Recording, Trace } from '@hopscope/shared';
import { PlaybackClock } from './clock';
import { mountCompareView } from './compare/view';
import { connectLive, type ConnectionState } from './connection';
import { bindKeys } from './keyboard';
import { DashboardModel } from './model';
import { renderCounters } from './render/counters';
import { renderFlow } from './render/flow';
import { renderReplayBar } from './render/replay-bar';
import { renderSlowMotion } from './render/slowmo-panel';
import { renderTraceList } from './render/trace-list';
import { renderWaterfall } from './render/waterfall';
import { ReplaySession } from './replay/session';
import { sendRequest } from './send-request';
import { SLOW_RATES, SlowMotion } from './slowmo/controller';
import type { TraceSource } from './source';
import { mountTalkControls } from './talk/controls';
import { embeddedRecording } from './talk/embedded';
import { fetchReplay } from './talk/hub-api';
import { showCaption } from './talk/scenario';

/**
 * Wires the page: one playback clock and one TraceSource (the live model, or a
 * replayed recording) feed the diagram, the counters and the list; slow motion
 * takes the clock over for one request. Modes: live, replay (the hub replays
 * a file, or a file was imported), offline (an exported page, no hub at all).
 */
const model = new DashboardModel();
const clock = new PlaybackClock();
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const flow = select(byId<HTMLElement>('flow') as unknown as SVGSVGElement);
let source: TraceSource = model;
let replay: ReplaySession | undefined;
let slow: SlowMotion | undefined;
let slowFromScenario = false;
let beforeSlowMotion: { at: number; paused: boolean } | undefined;
let followed: string | undefined;
let selected: string | undefined;
let animatedShare = 1;
let waterfallTrace: Trace | undefined;

void boot();

async function boot(): Promise<void> {
  const embedded = embeddedRecording();
  if (embedded) return void enterReplay(embedded, 'offline');
  const replayed = await fetchReplay();
  if (replayed) return void enterReplay(replayed, 'replay');
  document.body.dataset.mode = 'live';
  connectLive(onLiveMessage, showConnection);
  mountTalkControls((recording) => enterReplay(recording, 'replay', true), showProblem);
  void fetch(`/api/traces?limit=200${location.search.replace('?', '&')}`)
    .then((res) => (res.ok ? (res.json() as Promise<Trace[]>) : []))
    .then((traces) => traces.reverse().forEach((t) => model.upsert(t)));
}

function onLiveMessage(message: LiveMessage): void {
  model.apply(message);
  if (message.type === 'hello') refreshTargetPickers();
  if (message.type === 'scenario') {
    showCaption(message);
    if (message.focusTraceId) void focusWhenArrived(message.focusTraceId, message.rate ?? 0.1);
    else if (slowFromScenario) closeSlowMotion();
  }
}

/** The scenario names its slow-motion request as soon as it finished; its last spans may still be on the way. */
async function focusWhenArrived(traceId: string, rate: number): Promise<void> {
  for (let i = 0; i < 50 && !model.get(traceId)?.hops.some((h) => h.hop === 'view'); i++) await new Promise((r) => setTimeout(r, 100));
  const trace = model.get(traceId);
  if (!trace) return;
  openSlowMotion(trace, rate);
  slowFromScenario = true;
  slow?.play();
}

function enterReplay(recording: Recording, mode: 'replay' | 'offline', imported = false): void {
  closeSlowMotion();
  replay = new ReplaySession(recording);
  source = replay;
  document.body.dataset.mode = mode;
  byId('back-to-live').hidden = !imported;
  showConnection(mode === 'offline' ? 'offline' : 'replay');
  clock.goLive();
  clock.seek(recording.start - 200);
  byId<HTMLSelectElement>('speed').value = '1';
  refreshTargetPickers();
}

function backToLive(): void {
  closeSlowMotion();
  replay = undefined;
  source = model;
  document.body.dataset.mode = 'live';
  byId('back-to-live').hidden = true;
  showConnection('live');
  clock.goLive();
  refreshTargetPickers();
}

function showConnection(state: ConnectionState | 'replay' | 'offline'): void {
  const el = byId('connection');
  el.className = `connection ${state}`;
  const labels = { live: 'live', connecting: 'connecting…', disconnected: 'disconnected — reconnecting…', replay: 'replay', offline: 'recording (offline)' };
  el.textContent = labels[state];
}

function showProblem(message: string): void {
  byId('caption').hidden = false;
  byId('caption').textContent = message;
}

let lastStaticDraw = 0;
let lastCurrent: string | undefined;
function frame(): void {
  slow?.tick();
  if (replay && !slow && !clock.paused && clock.now() > replay.end + 600) {
    clock.setPaused(true);
    clock.seek(replay.end + 600);
  }
  const at = clock.now();
  const targets = source.targets.map((t) => t.name);
  const tracesByTarget = new Map<string, Trace[]>();
  for (const trace of source.activeAt(at)) {
    const list = tracesByTarget.get(trace.target) ?? [];
    list.push(trace);
    tracesByTarget.set(trace.target, list);
  }
  const lanesByTarget = new Map(targets.map((t) => [t, source.lanes(t, at)]));
  // A slow-motion step must light its station at once, not at the next static redraw.
  const current = slow ? { target: slow.trace.target, station: slow.current.station } : undefined;
  const drawStatic = performance.now() - lastStaticDraw > 250 || current?.station !== lastCurrent;
  lastCurrent = current?.station;
  if (drawStatic) lastStaticDraw = performance.now();
  const view = { targets, tracesByTarget, lanesByTarget, stats: source.statsAt(at), at, followed: slow?.trace.traceId ?? followed, onFollow: follow, current };
  const { animated, total } = renderFlow(flow, view, drawStatic);
  animatedShare = total === 0 ? 1 : animated / total;
  renderReplayBar(replay, at, clock.paused);
  renderSlowMotion(slow);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Lists and counters change at human speed: four times a second is plenty.
let ticks = 0;
setInterval(() => {
  // Tests wait on this counter instead of sleeping.
  document.body.dataset.ticks = String(++ticks);
  if (clock.paused && !replay) return;
  const at = clock.now();
  const filter = { target: byId<HTMLSelectElement>('filter-target').value || undefined, status: byId<HTMLSelectElement>('filter-status').value || undefined, route: byId<HTMLInputElement>('filter-route').value.trim() || undefined };
  // The list is the costliest thing to lay out: twice a second is enough to read it.
  if (ticks % 2 === 0) renderTraceList(byId<HTMLTableSectionElement>('trace-rows'), source.list(filter, 60, at), selected, selectTrace);
  const replayLine = replay ? `recording "${replay.recording.title}": ${replay.traces.length} requests over ${((replay.end - replay.start) / 1000).toFixed(1)} s · ${(animatedShare * 100).toFixed(0)}% of requests animated` : undefined;
  renderCounters(byId('counters'), source.statsAt(at), source.targets.map((t) => t.name), animatedShare, model.droppedMessages, replayLine);
  const shown = selected ? source.get(selected) : undefined;
  if (shown !== waterfallTrace) showWaterfall(shown);
}, 250);
showWaterfall(undefined);

function showWaterfall(trace: Trace | undefined): void {
  waterfallTrace = trace;
  renderWaterfall(byId('waterfall'), trace);
  byId('slowmo-open').hidden = trace === undefined || trace.inFlight;
}

function selectTrace(traceId: string): void {
  selected = traceId;
  follow(traceId);
  showWaterfall(source.get(traceId));
}

function follow(traceId: string | undefined): void {
  followed = traceId;
  byId('unfollow').hidden = traceId === undefined;
}

function openSlowMotion(trace: Trace, rate = Number(byId<HTMLSelectElement>('slowmo-rate').value) || 0.1): void {
  if (!slow) beforeSlowMotion = { at: clock.now(), paused: clock.paused };
  slowFromScenario = false;
  slow = new SlowMotion(trace, clock, rate);
  byId<HTMLSelectElement>('slowmo-rate').value = String(rate);
  window.scrollTo({ top: 0 });
  // ← and → step hops now, even if the scrubber had the focus.
  (document.activeElement as HTMLElement | null)?.blur();
}

function closeSlowMotion(): void {
  if (!slow) return;
  slow = undefined;
  slowFromScenario = false;
  // Back where the speaker was: the live edge, or the same place in the replay.
  if (!replay) clock.goLive();
  else if (beforeSlowMotion) {
    clock.seek(beforeSlowMotion.at);
    clock.setPaused(beforeSlowMotion.paused);
  }
}

/** The request `s` plays: the selected one, else the newest finished one at the playhead. */
function requestForSlowMotion(): Trace | undefined {
  const chosen = selected ? source.get(selected) : undefined;
  if (chosen && !chosen.inFlight) return chosen;
  return source.list({}, 50, clock.now()).find((t) => !t.inFlight);
}

function refreshTargetPickers(): void {
  for (const id of ['filter-target', 'send-target']) {
    select(byId<HTMLSelectElement>(id))
      .selectAll<HTMLOptionElement, string>('option.target')
      .data(source.targets.map((t) => t.name), (d) => d)
      .join('option')
      .attr('class', 'target')
      .attr('value', (d) => d)
      .text((d) => d);
  }
}

function togglePause(): void {
  if (slow) return slow.playing ? slow.pause() : slow.play();
  // A replay that reached its end starts again from the beginning.
  if (replay && clock.paused && clock.now() >= replay.end) clock.seek(replay.start - 200);
  clock.setPaused(!clock.paused);
  byId('pause').textContent = clock.paused ? 'Resume' : 'Pause';
}

function setSpeed(rate: number): void {
  if (slow) {
    slow.setRate(rate);
    byId<HTMLSelectElement>('slowmo-rate').value = String(rate);
    return;
  }
  byId<HTMLSelectElement>('speed').value = String(rate);
  if (rate === 1 && !replay) clock.goLive();
  else clock.setRate(rate);
}

function togglePresentation(): void {
  const on = document.body.dataset.presentation !== 'on';
  document.body.dataset.presentation = on ? 'on' : 'off';
  byId('presentation').textContent = on ? 'Exit presentation' : 'Present';
}

for (const rate of SLOW_RATES) select(byId('slowmo-rate')).append('option').attr('value', rate).text(`${rate}×`);
byId<HTMLSelectElement>('slowmo-rate').value = '0.1';
byId('pause').addEventListener('click', togglePause);
byId('replay-play').addEventListener('click', togglePause);
byId<HTMLSelectElement>('speed').addEventListener('change', (event) => setSpeed(Number((event.target as HTMLSelectElement).value)));
byId<HTMLInputElement>('scrubber').addEventListener('input', (event) => {
  closeSlowMotion();
  if (replay) clock.seek(replay.start + Number((event.target as HTMLInputElement).value));
});
byId('back-to-live').addEventListener('click', backToLive);
byId('unfollow').addEventListener('click', () => follow(undefined));
byId('slowmo-open').addEventListener('click', () => waterfallTrace && openSlowMotion(waterfallTrace));
byId('slowmo-back').addEventListener('click', () => slow?.stepBy(-1));
byId('slowmo-forward').addEventListener('click', () => slow?.stepBy(1));
byId('slowmo-play').addEventListener('click', () => slow && (slow.playing ? slow.pause() : slow.play()));
byId<HTMLSelectElement>('slowmo-rate').addEventListener('change', (event) => slow?.setRate(Number((event.target as HTMLSelectElement).value)));
byId('slowmo-exit').addEventListener('click', closeSlowMotion);
byId('presentation').addEventListener('click', togglePresentation);
byId('help-button').addEventListener('click', () => (byId('help').hidden = !byId('help').hidden));
byId('help').addEventListener('click', () => (byId('help').hidden = true));
byId('theme').addEventListener('click', () => {
  const dark = document.body.dataset.theme !== 'light';
  document.body.dataset.theme = dark ? 'light' : 'dark';
  byId('theme').textContent = dark ? 'Dark theme' : 'Light theme';
});
bindKeys(document, {
  togglePause,
  step: (delta) => {
    if (slow) slow.stepBy(delta);
    else if (replay) clock.seek(Math.min(replay.end, Math.max(replay.start, clock.now() + delta * 1000)));
  },
  setSpeed,
  slowMotion: () => {
    const trace = requestForSlowMotion();
    if (trace) openSlowMotion(trace);
  },
  toggleFullscreen: () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch(() => undefined);
  },
  togglePresentation,
  toggleHelp: () => (byId('help').hidden = !byId('help').hidden),
  escape: () => {
    if (!byId('help').hidden) byId('help').hidden = true;
    else closeSlowMotion();
  },
});
let compareMounted = false;
byId('tab-compare').addEventListener('click', () => {
  const section = byId('compare');
  section.hidden = !section.hidden;
  if (!compareMounted) {
    compareMounted = true;
    mountCompareView(section, location.origin);
  }
  if (!section.hidden) section.scrollIntoView({ behavior: 'smooth' });
});
byId<HTMLFormElement>('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const result = byId('send-result');
  const target = byId<HTMLSelectElement>('send-target').value;
  result.textContent = 'sending…';
  sendRequest(target, byId<HTMLSelectElement>('send-method').value, byId<HTMLInputElement>('send-path').value, byId<HTMLTextAreaElement>('send-body').value)
    .then((r) => {
      result.textContent = `${r.status} in ${r.durationMs.toFixed(1)} ms — trace ${r.traceId.slice(0, 8)}…`;
      result.dataset.traceId = r.traceId;
      selectTrace(r.traceId);
    })
    .catch((error: unknown) => {
      result.textContent = `failed: ${(error as Error).message}`;
    });
});
