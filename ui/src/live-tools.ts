import { mountCompareView } from './compare/view';
import { sendRequest } from './send-request';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The tools that need a live hub: the Compare view and "Send a request". */
export function mountLiveTools(onSent: (traceId: string) => void): void {
  let compareMounted = false;
  // A view of its own: the form and results beside the diagram, so a run is seen animating the rows.
  const tab = byId('tab-compare');
  tab.addEventListener('click', () => {
    const section = byId('compare');
    section.hidden = !section.hidden;
    document.body.dataset.view = section.hidden ? 'dashboard' : 'compare';
    tab.textContent = section.hidden ? 'Compare' : '← Dashboard';
    tab.setAttribute('aria-pressed', String(!section.hidden));
    if (!compareMounted) {
      compareMounted = true;
      mountCompareView(section, location.origin);
    }
    window.scrollTo({ top: 0 });
  });
  byId<HTMLFormElement>('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const result = byId('send-result');
    const target = byId<HTMLSelectElement>('send-target').value;
    result.textContent = 'sending…';
    sendRequest(
      target,
      byId<HTMLSelectElement>('send-method').value,
      byId<HTMLInputElement>('send-path').value,
      byId<HTMLTextAreaElement>('send-body').value,
    )
      .then((r) => {
        result.textContent = `${r.status} in ${r.durationMs.toFixed(1)} ms — trace ${r.traceId.slice(0, 8)}…`;
        result.dataset.traceId = r.traceId;
        onSent(r.traceId);
      })
      .catch((error: unknown) => {
        result.textContent = `failed: ${(error as Error).message}`;
      });
  });
}
