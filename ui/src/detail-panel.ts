import { traceIdFromHash } from './trace-order';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The request's detail, docked at the right of the page like DevTools: the
 * page narrows beside it (body.detail-open), so the diagram and the list stay
 * in sight while it is open. Its address is `#trace=ID`: the link in its
 * head, the page's own address while it is open, and a page opened with that
 * address shows the trace at once.
 */
export function mountDetailPanel(
  open: (traceId: string) => void,
  close: () => void,
): {
  show: (traceId: string | undefined) => void;
} {
  const panel = byId('detail');
  const link = byId<HTMLAnchorElement>('detail-link');
  byId('detail-close').addEventListener('click', close);
  const fromHash = () => {
    const traceId = traceIdFromHash(location.hash);
    if (traceId) open(traceId);
  };
  window.addEventListener('hashchange', fromHash);
  // After the caller holds the returned handle: opening calls back into it.
  queueMicrotask(fromHash);
  return {
    show(traceId) {
      panel.hidden = traceId === undefined;
      document.body.classList.toggle('detail-open', traceId !== undefined);
      const hash = traceId ? `#trace=${traceId}` : '';
      link.href = `${location.pathname}${location.search}${hash}`;
      // The address follows the panel without a history entry per click.
      // A sandboxed page (an export served with `sandbox`) may refuse it: the link in the head still works.
      if (location.hash !== hash) {
        try {
          history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
        } catch {
          /* the address stays as it was */
        }
      }
    },
  };
}
