import { select } from 'd3';
import './styles/page.css';
import type { LiveMessage, Recording, Trace } from '@hopscope/shared';
import { connectLive, type ConnectionState } from './connection';
import { bindKeys } from './keyboard';
import { DashboardModel } from './model';
import { Playback } from './playback';
import { renderCounters } from './render/counters';
import { renderFlow, type DrawnCounts } from './render/flow';
import { renderLagNotice } from './render/lag-notice';
import { renderReplayBar } from './render/replay-bar';
import { renderSlowMotion } from './render/slowmo-panel';
import { renderTraceList } from './render/trace-list';
import { renderWaterfall } from './render/waterfall';
import { SLOW_RATES } from './slowmo/controller';
import { mountLiveTools } from './live-tools';
import { mountTalkControls } from './talk/controls';
import { embeddedRecording } from './talk/embedded';
import { fetchFullTrace } from './full-trace';
import { fetchReplay } from './talk/hub-api';
import { showCaption } from './talk/scenario';
import { mountDetailPanel } from './detail-panel';
import { mountFlowTooltip } from './flow-tooltip';
import { mountLiveState } from './live-state';
import { renderEmptyState } from './render/empty-state';
import { renderLegend } from './render/legend';
import { LiveInbox } from './live-inbox';
import { mountTraceListControls } from './trace-list-keys';

/**
 * Wires the page. Modes: live (the hub's stream), replay (the hub replays a
 * file, or one was imported) and offline (an exported page, no hub at all);
 * all of them draw from Playback's clock and source with the same renderers.
 */
const model = new DashboardModel();
const playback = new Playback(model);
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const flow = select(byId<HTMLElement>('flow') as unknown as SVGSVGElement);
let followed: string | undefined;
let selected: string | undefined;
let animatedShare = 1;
let drawnCounts = new Map<string, DrawnCounts>();
let waterfallTrace: Trace | undefined;
// Live messages are applied once per frame (and four times a second, for a hidden tab that draws no frames).
const inbox = new LiveInbox(onLiveMessage, (traceId) => model.get(traceId) !== undefined);

void boot();

async function boot(): Promise<void> {
  const embedded = embeddedRecording();
  if (embedded) return enterReplay(embedded, 'offline');
  byId<HTMLAnchorElement>('export-html').href = `api/export.html${location.search}`;
  const replayed = await fetchReplay();
  if (replayed) return enterReplay(replayed, 'replay');
  document.body.dataset.mode = 'live';
  connectLive((raw) => inbox.push(raw, Date.now()), showConnection);
  mountTalkControls((recording) => enterReplay(recording, 'replay', true), showProblem);
  mountLiveTools(selectTrace);
  void fetch(`/api/traces?limit=200${location.search.replace('?', '&')}`)
    .then((res) => (res.ok ? (res.json() as Promise<Trace[]>) : []))
    .then((traces) => traces.reverse().forEach((t) => model.upsert(t, Date.now())));
}

function onLiveMessage(message: LiveMessage, receivedAt: number): void {
  model.apply(message, receivedAt);
  if (message.type === 'hello') refreshTargetPickers();
  if (message.type === 'scenario') {
    showCaption(message);
    if (message.focusTraceId) void focusWhenArrived(message.focusTraceId, message.rate ?? 0.1);
    else if (playback.slowFromScenario) playback.closeSlowMotion();
  }
}

/** The scenario names its slow-motion request once it finished; the app's spans may still be on the way. */
async function focusWhenArrived(traceId: string, rate: number): Promise<void> {
  // Until the app's own spans arrive, its hops are only synthesized from Server-Timing.
  const measured = () => model.get(traceId)?.hops.some((h) => h.hop === 'gateway' && h.measured) ?? false;
  for (let i = 0; i < 50 && !measured(); i++) await new Promise((r) => setTimeout(r, 100));
  const trace = model.get(traceId);
  if (!trace || playback.replay) return;
  openSlowMotion(trace, rate, true);
  playback.slow?.play();
}

function enterReplay(recording: Recording, mode: 'replay' | 'offline', imported = false): void {
  playback.enterReplay(recording);
  document.body.dataset.mode = mode;
  document.body.dataset.imported = String(imported);
  byId('back-to-live').hidden = !imported;
  showConnection(mode);
  refreshTargetPickers();
}

function showConnection(state: ConnectionState | 'replay' | 'offline'): void {
  const el = byId('connection');
  el.className = `connection ${state}`;
  const labels = {
    live: 'live',
    connecting: 'connecting…',
    disconnected: 'disconnected — reconnecting…',
    replay: 'replay',
    offline: 'recording (offline)',
  };
  el.textContent = labels[state];
}

function showProblem(message: string): void {
  byId('caption').hidden = false;
  byId('caption').textContent = message;
}

let lastStaticDraw = 0;
let lastCurrent: string | undefined;
function frame(): void {
  inbox.drain();
  const at = playback.tick();
  const { source, slow } = playback;
  const targets = source.targets.map((t) => t.name);
  const rowAt = playback.rowTimes(targets, at);
  const tracesByTarget = activeByTarget(rowAt);
  const lanesByTarget = new Map(targets.map((t) => [t, source.lanes(t, rowAt.get(t) ?? at)]));
  // A slow-motion step must light its station at once, not at the next static redraw.
  const current = slow ? { target: slow.trace.target, station: slow.current.station } : undefined;
  const drawStatic = performance.now() - lastStaticDraw > 250 || current?.station !== lastCurrent;
  if (drawStatic) lastStaticDraw = performance.now();
  lastCurrent = current?.station;
  const view = {
    targets,
    tracesByTarget,
    lanesByTarget,
    stats: source.statsAt(at),
    at,
    rowAt,
    stackOf: (target: string) => source.stackOf(target),
    followed: slow?.trace.traceId ?? followed,
    onFollow: selectTrace,
    current,
  };
  const { animated, total, drawn } = renderFlow(flow, view, drawStatic);
  animatedShare = total === 0 ? 1 : animated / total;
  drawnCounts = drawn;
  renderReplayBar(playback.replay, at, playback.clock.paused);
  renderSlowMotion(slow);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

/** The traces each row draws at its own time: one pass over the source per distinct row time. */
function activeByTarget(rowAt: Map<string, number>): Map<string, Trace[]> {
  const byTarget = new Map<string, Trace[]>();
  const targetsAt = new Map<number, Set<string>>();
  for (const [target, time] of rowAt) (targetsAt.get(time) ?? targetsAt.set(time, new Set()).get(time)!).add(target);
  for (const [time, targets] of targetsAt) {
    for (const trace of playback.source.activeAt(time)) {
      if (!targets.has(trace.target)) continue;
      (byTarget.get(trace.target) ?? byTarget.set(trace.target, []).get(trace.target)!).push(trace);
    }
  }
  return byTarget;
}

// Lists and counters change at human speed: four times a second is plenty.
let ticks = 0;
setInterval(() => {
  // Tests wait on this counter instead of sleeping.
  document.body.dataset.ticks = String(++ticks);
  inbox.drain();
  const { source, replay, clock } = playback;
  if (clock.paused && !replay) return;
  const at = clock.now();
  // The list is the costliest thing to lay out: twice a second is enough to read it.
  if (ticks % 2 === 0) renderList();
  renderEmptyState(byId('empty-state'), source.targets, !replay && source.list({}, 1, at).length === 0);
  const replayLine = replay
    ? `recording "${replay.recording.title}": ${replay.traces.length} requests over ${((replay.end - replay.start) / 1000).toFixed(1)} s · ${(animatedShare * 100).toFixed(0)}% of requests animated`
    : undefined;
  const targets = source.targets.map((t) => t.name);
  renderCounters(
    byId('counters'),
    source.statsAt(at),
    targets,
    animatedShare,
    model.droppedMessages + inbox.skipped,
    replayLine,
    drawnCounts,
  );
  renderLagNotice(byId('lag-notice'), replay ? [] : playback.liveDelay.notices(targets, Date.now()));
  const shown = selected ? source.get(selected) : undefined;
  if (shown !== waterfallTrace) showWaterfall(shown);
}, 250);
showWaterfall(undefined);

function showWaterfall(trace: Trace | undefined): void {
  waterfallTrace = trace;
  renderWaterfall(byId('waterfall'), trace);
  byId('slowmo-open').hidden = trace === undefined || trace.inFlight;
  // Live messages may carry only the hops, and a #trace=ID link may name one the page never saw: ask the hub.
  const wanted = trace?.traceId ?? selected;
  if (wanted && !trace?.spans && document.body.dataset.mode === 'live') {
    void fetchFullTrace(wanted).then((full) => {
      if (full && waterfallTrace === trace && selected === wanted) renderWaterfall(byId('waterfall'), full);
    });
  }
}

function currentFilter() {
  return {
    target: byId<HTMLSelectElement>('filter-target').value || undefined,
    status: byId<HTMLSelectElement>('filter-status').value || undefined,
    route: byId<HTMLInputElement>('filter-route').value.trim() || undefined,
  };
}

function selectTrace(traceId: string): void {
  selected = traceId;
  follow(traceId);
  detail.show(traceId);
  showWaterfall(playback.source.get(traceId));
}

function closeDetail(): void {
  selected = undefined;
  follow(undefined);
  detail.show(undefined);
}

function follow(traceId: string | undefined): void {
  followed = traceId;
  byId('unfollow').hidden = traceId === undefined;
}

function openSlowMotion(trace: Trace, rate = Number(byId<HTMLSelectElement>('slowmo-rate').value) || 0.1, fromScenario = false): void {
  playback.openSlowMotion(trace, rate, fromScenario);
  byId<HTMLSelectElement>('slowmo-rate').value = String(rate);
  window.scrollTo({ top: 0 });
  // ← and → step hops now, even if the scrubber had the focus.
  (document.activeElement as HTMLElement | null)?.blur();
}

function refreshTargetPickers(): void {
  for (const id of ['filter-target', 'send-target']) {
    select(byId<HTMLSelectElement>(id))
      .selectAll<HTMLOptionElement, string>('option.target')
      .data(
        playback.source.targets.map((t) => t.name),
        (d) => d,
      )
      .join('option')
      .attr('class', 'target')
      .attr('value', (d) => d)
      .text((d) => d);
  }
}

function setSpeed(rate: number): void {
  playback.setSpeed(rate);
  byId<HTMLSelectElement>(playback.slow ? 'slowmo-rate' : 'speed').value = String(rate);
}

function togglePresentation(): void {
  const on = document.body.dataset.presentation !== 'on';
  document.body.dataset.presentation = on ? 'on' : 'off';
  byId('presentation').textContent = on ? 'Exit presentation' : 'Present';
}

const renderList = () => renderTraceList(byId<HTMLTableSectionElement>('trace-rows'), orderTraces(listed()), selected, selectTrace);
const listed = () => playback.source.list(currentFilter(), 60, playback.clock.now());
const orderTraces = mountTraceListControls(() => selected, selectTrace, renderList);
const detail = mountDetailPanel(selectTrace, closeDetail);
mountLiveState(playback, () => (byId<HTMLSelectElement>('speed').value = '1'));
renderLegend(byId('legend'));
mountFlowTooltip(flow.node()!, (traceId) => playback.source.get(traceId));
const toggleHelp = () => (byId('help').hidden = !byId('help').hidden);
for (const rate of SLOW_RATES) select(byId('slowmo-rate')).append('option').attr('value', rate).text(`${rate}×`);
byId<HTMLSelectElement>('slowmo-rate').value = '0.1';
byId('pause').addEventListener('click', () => playback.togglePause());
byId('replay-play').addEventListener('click', () => playback.togglePause());
byId<HTMLSelectElement>('speed').addEventListener('change', (event) => setSpeed(Number((event.target as HTMLSelectElement).value)));
byId<HTMLInputElement>('scrubber').addEventListener('input', (event) =>
  playback.seekReplay(Number((event.target as HTMLInputElement).value)),
);
byId('back-to-live').addEventListener('click', () => {
  playback.backToLive();
  document.body.dataset.mode = 'live';
  document.body.dataset.imported = 'false';
  byId('back-to-live').hidden = true;
  showConnection('live');
  refreshTargetPickers();
});
byId('unfollow').addEventListener('click', () => follow(undefined));
byId('slowmo-open').addEventListener('click', () => waterfallTrace && openSlowMotion(waterfallTrace));
byId('slowmo-back').addEventListener('click', () => playback.slow?.stepBy(-1));
byId('slowmo-forward').addEventListener('click', () => playback.slow?.stepBy(1));
byId('slowmo-play').addEventListener('click', () => playback.togglePause());
byId<HTMLSelectElement>('slowmo-rate').addEventListener('change', (event) =>
  playback.slow?.setRate(Number((event.target as HTMLSelectElement).value)),
);
byId('slowmo-exit').addEventListener('click', () => playback.closeSlowMotion());
byId('presentation').addEventListener('click', togglePresentation);
byId('help-button').addEventListener('click', toggleHelp);
byId('help').addEventListener('click', toggleHelp);
byId('theme').addEventListener('click', () => {
  const dark = document.body.dataset.theme !== 'light';
  document.body.dataset.theme = dark ? 'light' : 'dark';
  byId('theme').textContent = dark ? 'Dark theme' : 'Light theme';
});
bindKeys(document, {
  togglePause: () => playback.togglePause(),
  step: (delta) => playback.step(delta),
  setSpeed,
  slowMotion: () => {
    const trace = playback.requestForSlowMotion(selected);
    if (trace) openSlowMotion(trace);
  },
  toggleFullscreen: () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch(() => undefined);
  },
  togglePresentation,
  toggleHelp,
  escape: () => {
    if (!byId('help').hidden) byId('help').hidden = true;
    else if (playback.slow) playback.closeSlowMotion();
    else closeDetail();
  },
});
