import { select } from 'd3';
import type { Trace } from '@hopscope/shared';
import { PlaybackClock } from './clock';
import { mountCompareView } from './compare/view';
import { connectLive, type ConnectionState } from './connection';
import { DashboardModel } from './model';
import { renderCounters } from './render/counters';
import { renderFlow } from './render/flow';
import { renderTraceList } from './render/trace-list';
import { renderWaterfall } from './render/waterfall';
import { sendRequest } from './send-request';

/** Wires the model, the playback clock and the render modules to the page. */
const model = new DashboardModel();
const clock = new PlaybackClock();
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const flow = select(byId<HTMLElement>('flow') as unknown as SVGSVGElement);
let followed: string | undefined;
let selected: string | undefined;
let animatedShare = 1;

connectLive(
  (message) => {
    model.apply(message);
    if (message.type === 'hello') refreshTargetPickers();
  },
  showConnection,
);
void fetch(`/api/traces?limit=200${location.search.replace('?', '&')}`)
  .then((res) => (res.ok ? (res.json() as Promise<Trace[]>) : []))
  .then((traces) => traces.reverse().forEach((t) => model.upsert(t)));

function showConnection(state: ConnectionState): void {
  const el = byId('connection');
  el.className = `connection ${state}`;
  el.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'disconnected — reconnecting…';
}

let lastStaticDraw = 0;
function frame(): void {
  const at = clock.now();
  const targets = model.targets.map((t) => t.name);
  const tracesByTarget = new Map<string, Trace[]>();
  for (const trace of model.activeAt(at)) {
    const list = tracesByTarget.get(trace.target) ?? [];
    list.push(trace);
    tracesByTarget.set(trace.target, list);
  }
  const lanesByTarget = new Map(targets.map((t) => [t, model.lanes(t, at)]));
  const drawStatic = performance.now() - lastStaticDraw > 250;
  if (drawStatic) lastStaticDraw = performance.now();
  const { animated, total } = renderFlow(flow, { targets, tracesByTarget, lanesByTarget, stats: model.stats, at, followed, onFollow: follow }, drawStatic);
  animatedShare = total === 0 ? 1 : animated / total;
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

// Lists and counters change at human speed: four times a second is plenty.
let ticks = 0;
setInterval(() => {
  // Tests wait on this counter instead of sleeping.
  document.body.dataset.ticks = String(++ticks);
  if (clock.paused) return;
  const filter = { target: byId<HTMLSelectElement>('filter-target').value || undefined, status: byId<HTMLSelectElement>('filter-status').value || undefined, route: byId<HTMLInputElement>('filter-route').value.trim() || undefined };
  // The list is the costliest thing to lay out: twice a second is enough to read it.
  if (ticks % 2 === 0) renderTraceList(byId<HTMLTableSectionElement>('trace-rows'), model.list(filter, 60), selected, selectTrace);
  renderCounters(byId('counters'), model.stats, model.targets.map((t) => t.name), animatedShare, model.droppedMessages);
  const shown = selected ? model.traces.get(selected) : undefined;
  if (shown !== waterfallTrace) {
    waterfallTrace = shown;
    renderWaterfall(byId('waterfall'), shown);
  }
}, 250);
let waterfallTrace: Trace | undefined;
renderWaterfall(byId('waterfall'), undefined);

function selectTrace(traceId: string): void {
  selected = traceId;
  follow(traceId);
  waterfallTrace = model.traces.get(traceId);
  renderWaterfall(byId('waterfall'), waterfallTrace);
}

function follow(traceId: string | undefined): void {
  followed = traceId;
  byId('unfollow').hidden = traceId === undefined;
}

function refreshTargetPickers(): void {
  for (const id of ['filter-target', 'send-target']) {
    const picker = select(byId<HTMLSelectElement>(id));
    picker
      .selectAll<HTMLOptionElement, string>('option.target')
      .data(model.targets.map((t) => t.name), (d) => d)
      .join('option')
      .attr('class', 'target')
      .attr('value', (d) => d)
      .text((d) => d);
  }
}

byId('pause').addEventListener('click', () => {
  clock.setPaused(!clock.paused);
  byId('pause').textContent = clock.paused ? 'Resume' : 'Pause';
});
byId<HTMLSelectElement>('speed').addEventListener('change', (event) => {
  const rate = Number((event.target as HTMLSelectElement).value);
  if (rate === 1) clock.goLive();
  else clock.setRate(rate);
});
byId('unfollow').addEventListener('click', () => follow(undefined));
byId('theme').addEventListener('click', () => {
  const dark = document.body.dataset.theme !== 'light';
  document.body.dataset.theme = dark ? 'light' : 'dark';
  byId('theme').textContent = dark ? 'Dark theme' : 'Light theme';
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
