import { mountCompareView } from './compare/view';
import { sendRequest } from './send-request';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The tools that need a live hub: the Compare view and "Send a request". */
export function mountLiveTools(onSent: (traceId: string) => void): void {
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
