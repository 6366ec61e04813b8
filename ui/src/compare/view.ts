import { select, type Selection } from 'd3';
import type { CompareRunAnswer, CompareRunSummary } from '@hopscope/shared';
import { renderCompareResult } from './result';

/** How often the open view asks for saved runs: a CLI run appears within this. */
const SAVED_RUNS_REFRESH_MS = 2_000;

/**
 * The dashboard's Compare view: start a run (the same load through each
 * target's proxy), follow its progress, read the result; saved runs re-open.
 * Everything from the hub is rendered as text.
 */
export function mountCompareView(container: HTMLElement, hubBase: string): void {
  const root = select(container);
  root.selectAll('*').remove();
  root.append('h2').text('Compare targets under the same load');
  const form = root.append('form').attr('class', 'compare-form').attr('data-testid', 'compare-form');
  const field = (label: string, input: (s: Selection<HTMLLabelElement, unknown, null, undefined>) => void) =>
    input(form.append('label').text(`${label} `));
  field('A', (l) => l.append('select').attr('name', 'a').attr('data-testid', 'compare-a'));
  field('B', (l) => l.append('select').attr('name', 'b').attr('data-testid', 'compare-b'));
  field('Path', (l) => l.append('input').attr('name', 'path').attr('value', '/cpu?ms=20').attr('data-testid', 'compare-path'));
  field('Connections', (l) =>
    l
      .append('input')
      .attr('name', 'concurrency')
      .attr('type', 'number')
      .attr('min', 1)
      .attr('value', 8)
      .attr('data-testid', 'compare-concurrency'),
  );
  field('Seconds', (l) =>
    l
      .append('input')
      .attr('name', 'seconds')
      .attr('type', 'number')
      .attr('min', 1)
      .attr('value', 10)
      .attr('data-testid', 'compare-seconds'),
  );
  form.append('button').attr('type', 'submit').attr('data-testid', 'compare-start').text('Run');
  const status = root.append('p').attr('class', 'compare-status').attr('data-testid', 'compare-status');
  const result = root.append('div').attr('class', 'compare-result').attr('data-testid', 'compare-result');
  root.append('h3').text('Saved runs');
  const saved = root.append('ul').attr('class', 'compare-runs').attr('data-testid', 'compare-runs');
  const api = (path: string) => `${hubBase}${path}${location.search}`;

  void fetch(api('/api/targets'))
    .then((r) => r.json() as Promise<Array<{ name: string }>>)
    .then((targets) => {
      for (const [name, pick] of [
        ['a', 0],
        ['b', 1],
      ] as const) {
        form
          .select<HTMLSelectElement>(`select[name=${name}]`)
          .selectAll('option')
          .data(targets.map((t) => t.name))
          .join('option')
          .attr('value', (d) => d)
          .property('selected', (_d, i) => i === pick)
          .text((d) => d);
      }
    });

  const showRun = async (id: string) => {
    for (;;) {
      const run = (await fetch(api(`/api/compare/${id}`)).then((r) => r.json())) as CompareRunAnswer;
      if (run.status === 'running') {
        const p = run.progress;
        status.text(p ? `running: ${p.target} — ${p.phase}, ${(p.elapsedMs / 1000).toFixed(1)} s, ${p.requests} requests` : 'starting…');
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      status.text(run.status === 'failed' ? `failed: ${run.error ?? ''}` : 'done');
      renderCompareResult(result.node()!, run);
      await refreshSaved();
      return;
    }
  };

  const refreshSaved = async () => {
    const runs = (await fetch(api('/api/compare')).then((r) => r.json())) as CompareRunSummary[];
    saved
      .selectAll<HTMLLIElement, (typeof runs)[number]>('li')
      .data(runs, (d) => d.id)
      .join('li')
      .attr('data-testid', 'compare-saved-run')
      .text(
        (d) =>
          `${new Date(d.startedAt).toTimeString().slice(0, 8)} · ${d.spec.targets.join(' vs ')} · ${d.spec.paths.map((p) => p.path).join(', ')} · ${d.status}${d.sentences[0] ? ` — ${d.sentences[0]}` : ''}`,
      )
      .on('click', (_event, d) => void showRun(d.id));
  };
  void refreshSaved();
  // A run started from the CLI (`hopscope compare`) shows up here by itself while the view is open.
  setInterval(() => {
    if (!container.hidden && document.visibilityState === 'visible') void refreshSaved().catch(() => undefined);
  }, SAVED_RUNS_REFRESH_MS);

  form.on('submit', (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(form.node()!);
    const spec = {
      targets: [String(data.get('a')), String(data.get('b'))],
      paths: [{ path: String(data.get('path') || '/'), weight: 1 }],
      concurrency: Number(data.get('concurrency')),
      durationMs: Number(data.get('seconds')) * 1000,
    };
    status.text('starting…');
    void fetch(api('/api/compare'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) })
      .then(async (res) => {
        const body = (await res.json()) as { id?: string; message?: string };
        if (!res.ok || !body.id) throw new Error(body.message ?? `the hub answered ${res.status}`);
        await showRun(body.id);
      })
      .catch((error: unknown) => status.text(`could not start: ${(error as Error).message}`));
  });
}
