import type { HistogramBucket } from '@hopscope/shared';
import { escapeHtml } from './escape';

/** Colour-blind-safe pair first (Okabe–Ito), then more for up to eight targets. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 48, right: 48, bottom: 40 };
const LEGEND_LINE = 14;

export interface HistogramSeries {
  target: string;
  histogram: HistogramBucket[];
}

/**
 * The targets' latency histograms overlaid on one log-scaled axis, as inline
 * SVG (no script, nothing loaded): each is a step line of the share of
 * requests per bucket. Target names are escaped, they come from the run.
 */
export function histogramSvg(series: readonly HistogramSeries[]): string {
  const buckets = series.flatMap((s) => s.histogram);
  if (buckets.length === 0) return '<p>No latency samples to draw.</p>';
  // Bucket i spans (le / step, le]; the first lower edge is one step below the smallest upper edge.
  const step = 10 ** 0.1;
  const low = Math.min(...buckets.map((b) => b.le)) / step;
  const high = Math.max(...buckets.map((b) => b.le));
  const top = Math.max(...buckets.map((b) => b.share));
  // The legend sits above the curves, one line per target.
  const padTop = 8 + LEGEND_LINE * (series.length + 1);
  const x = (ms: number) =>
    PAD.left + ((Math.log10(ms) - Math.log10(low)) / (Math.log10(high) - Math.log10(low) || 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (share: number) => HEIGHT - PAD.bottom - (share / top) * (HEIGHT - padTop - PAD.bottom);
  const lines = series.map((s, i) => {
    const point = (ms: number, share: number) => `${x(ms).toFixed(1)},${y(share).toFixed(1)}`;
    const steps = s.histogram.flatMap((b) => [point(b.le / step, b.share), point(b.le, b.share)]);
    // From the axis and back to it, so each histogram reads as a closed shape.
    const first = s.histogram[0];
    const last = s.histogram.at(-1);
    const points = first && last ? [point(first.le / step, 0), ...steps, point(last.le, 0)] : [];
    return `<polyline fill="none" stroke-width="2" stroke="${COLOURS[i % COLOURS.length]}" points="${points.join(' ')}"><title>${escapeHtml(s.target)}</title></polyline>`;
  });
  const ticks: string[] = [];
  for (let decade = Math.ceil(Math.log10(low)); decade <= Math.floor(Math.log10(high)); decade++) {
    const ms = 10 ** decade;
    ticks.push(
      `<line x1="${x(ms).toFixed(1)}" x2="${x(ms).toFixed(1)}" y1="${padTop}" y2="${HEIGHT - PAD.bottom}" stroke="#ddd"/>` +
        `<text x="${x(ms).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${ms >= 1 ? ms : ms.toFixed(-decade)} ms</text>`,
    );
  }
  const legend = series.map(
    (s, i) =>
      `<text x="${WIDTH - PAD.right}" y="${LEGEND_LINE * (i + 1)}" text-anchor="end" fill="${COLOURS[i % COLOURS.length]}">${escapeHtml(s.target)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Latency histograms" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-size="12" font-family="sans-serif">`,
    ...ticks,
    `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/>`,
    `<text x="${PAD.left}" y="${HEIGHT - 6}">latency (log scale); height: share of requests</text>`,
    ...lines,
    ...legend,
    '</svg>',
  ].join('\n');
}
