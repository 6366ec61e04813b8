import { area, curveStepAfter, scaleLinear, select } from 'd3';
import { rateBuckets } from '../replay/rate';
import type { ReplaySession } from '../replay/session';
import { setText } from './text';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Sparkline resolution: buckets across the scrubber. */
const BUCKETS = 120;
let sparkFor: ReplaySession | undefined;

/** The replay bar: play/pause, the scrubber over a request-rate sparkline with error marks, the time. */
export function renderReplayBar(session: ReplaySession | undefined, at: number, paused: boolean): void {
  const bar = byId('replay-bar');
  // Called every frame: touch the DOM only when something changed.
  if (bar.hidden !== (session === undefined)) bar.hidden = session === undefined;
  if (!session) return;
  if (sparkFor !== session) drawSparkline(byId('replay-spark') as unknown as SVGSVGElement, session);
  sparkFor = session;
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

/**
 * Drawn once per recording: the request rate as a filled step line across the
 * scrubber's width, and a red mark above each stretch with a failed request,
 * so a speaker can find the burst and the error. In viewBox units, stretched
 * to the bar's width.
 */
function drawSparkline(svg: SVGSVGElement, session: ReplaySession): void {
  const buckets = rateBuckets(session.traces, session.start, session.end, BUCKETS);
  const x = scaleLinear().domain([0, BUCKETS]).range([0, 1000]);
  const y = scaleLinear()
    .domain([0, Math.max(1, ...buckets.map((b) => b.requests))])
    .range([100, 18]);
  const root = select(svg).attr('viewBox', '0 0 1000 100').attr('preserveAspectRatio', 'none');
  root.selectAll('*').remove();
  root
    .append('path')
    .attr('class', 'spark-rate')
    .attr(
      'd',
      area<number>()
        .x((i) => x(i))
        .y0(100)
        .y1((i) => y(buckets[Math.min(i, BUCKETS - 1)]!.requests))
        .curve(curveStepAfter)(Array.from({ length: BUCKETS + 1 }, (_, i) => i)),
    );
  root
    .selectAll('rect.spark-error')
    .data(buckets.map((b, i) => ({ ...b, i })).filter((b) => b.failed > 0))
    .join('rect')
    .attr('class', 'spark-error')
    .attr('data-testid', 'replay-error-mark')
    .attr('x', (b) => x(b.i))
    .attr('y', 0)
    .attr('width', Math.max(4, x(1) - x(0)))
    .attr('height', 14)
    .append('title')
    .text((b) => `${b.failed} failed request${b.failed === 1 ? '' : 's'}`);
  root.append('title').text(`requests per ${((session.end - session.start) / BUCKETS / 1000).toFixed(2)} s; red: failures`);
}
