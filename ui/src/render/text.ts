import type { BaseType, Selection } from 'd3';

/**
 * `.text()` that touches the DOM only when the text changed: rewriting
 * identical text still invalidates layout, and the dashboard redraws often.
 * Always text, never HTML.
 */
export function setText<E extends BaseType, D, P extends BaseType, PD>(
  selection: Selection<E, D, P, PD>,
  value: string | ((d: D) => string),
): void {
  selection.each(function (d) {
    const node = this as unknown as Element;
    const text = typeof value === 'function' ? value(d) : value;
    if (node.textContent !== text) node.textContent = text;
  });
}
