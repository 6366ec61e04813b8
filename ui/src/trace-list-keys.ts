import { DEFAULT_ORDER, neighbour, nextOrder, sortTraces, type SortKey, type SortOrder } from './trace-order';
import type { Trace } from '@hopscope/shared';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The trace list's own controls: sorting by a header click (time, duration,
 * status) and, while the list has the focus, ↑ / ↓ to move the selection and
 * Enter to open it. Returns the order to list traces in.
 */
export function mountTraceListControls(
  selectedId: () => string | undefined,
  select: (traceId: string) => void,
  redraw: () => void,
): (traces: Trace[]) => Trace[] {
  let order: SortOrder = DEFAULT_ORDER;
  const table = byId<HTMLTableElement>('trace-list');
  const headers = [...table.querySelectorAll<HTMLTableCellElement>('th[data-sort]')];
  const showOrder = () => {
    for (const th of headers) {
      const sorted = th.dataset.sort === order.key;
      th.setAttribute('aria-sort', sorted ? (order.descending ? 'descending' : 'ascending') : 'none');
      th.dataset.arrow = sorted ? (order.descending ? '▼' : '▲') : '';
    }
  };
  for (const th of headers) {
    th.title = `Sort by ${th.dataset.sort}`;
    th.addEventListener('click', () => {
      order = nextOrder(order, th.dataset.sort as SortKey);
      showOrder();
      redraw();
    });
  }
  showOrder();
  table.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Enter') return;
    event.preventDefault();
    const ids = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((tr) => tr.dataset.traceId!);
    const next = event.key === 'Enter' ? (selectedId() ?? ids[0]) : neighbour(ids, selectedId(), event.key === 'ArrowDown' ? 1 : -1);
    if (!next) return;
    select(next);
    redraw();
    table.querySelector(`tr[data-trace-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: 'nearest' });
  });
  // A click on a row leaves the focus on the list, so the arrows go on from there.
  table.addEventListener('click', () => table.focus({ preventScroll: true }));
  return (traces) => sortTraces(traces, order);
}
