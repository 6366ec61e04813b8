/**
 * Squeezes an SVG label into `maxWidth` when its font draws it wider (fonts
 * differ between machines; presentation mode enlarges the type). Measures
 * only when the text or the mode changed, never per frame: a measurement
 * forces layout. A label measured while hidden (width 0) is measured again.
 */
export function fitToWidth(node: SVGTextContentElement, maxWidth: number, mode: string): void {
  const key = fitKey(node, maxWidth, mode);
  if ((node as SVGElement).dataset.fittedFor === key) return;
  node.removeAttribute('textLength');
  node.removeAttribute('lengthAdjust');
  const width = node.getComputedTextLength();
  if (width === 0) return;
  if (width > maxWidth) {
    node.setAttribute('textLength', String(maxWidth));
    node.setAttribute('lengthAdjust', 'spacingAndGlyphs');
  }
  (node as SVGElement).dataset.fittedFor = key;
}

/**
 * `fitToWidth` for many labels at once, reads apart from writes: the labels
 * whose text changed are cleared, then all measured (one layout), then
 * squeezed. Measuring each after the previous one's write would force a
 * layout per label (the statistics under the stations, four times a second).
 */
export function fitAllToWidth(items: ReadonlyArray<readonly [SVGTextContentElement, number]>, mode: string): void {
  const stale = items.filter(([node, maxWidth]) => (node as SVGElement).dataset.fittedFor !== fitKey(node, maxWidth, mode));
  for (const [node] of stale) {
    if (node.hasAttribute('textLength')) node.removeAttribute('textLength');
    if (node.hasAttribute('lengthAdjust')) node.removeAttribute('lengthAdjust');
  }
  const widths = stale.map(([node]) => node.getComputedTextLength());
  stale.forEach(([node, maxWidth], i) => {
    const width = widths[i]!;
    if (width === 0) return;
    if (width > maxWidth) {
      node.setAttribute('textLength', String(maxWidth));
      node.setAttribute('lengthAdjust', 'spacingAndGlyphs');
    }
    (node as SVGElement).dataset.fittedFor = fitKey(node, maxWidth, mode);
  });
}

const fitKey = (node: SVGTextContentElement, maxWidth: number, mode: string) =>
  `${node.textContent ?? ''}\u0000${mode}\u0000${Math.round(maxWidth)}`;

/**
 * A station label in its box: on one line when it fits, else on up to
 * `maxLines` lines broken at a space ("Gateway" / "(WSGI)" in presentation
 * mode's 24 px type), and only then squeezed. The text stays the label's
 * textContent (the first line keeps its trailing space). Vertically centred
 * on the text's `y`.
 */
export function fitLabel(node: SVGTextElement, text: string, maxWidth: number, maxLines: number, mode: string): void {
  const x = node.getAttribute('x') ?? '0';
  const key = `${text}\u0000${mode}\u0000${Math.round(maxWidth)}\u0000${maxLines}\u0000${x}`;
  if (node.dataset.label === key) return;
  node.textContent = '';
  const single = line(node, text, x, '0.35em');
  const width = single.getComputedTextLength();
  if (width === 0) return;
  node.dataset.label = key;
  const words = text.split(' ');
  if (width <= maxWidth || maxLines < 2 || words.length < 2) return fitToWidth(single, maxWidth, mode);
  node.textContent = '';
  const [first, second] = balancedSplit(words);
  const lines = [line(node, `${first} `, x, '-0.22em'), line(node, second, x, '1.15em')];
  for (const tspan of lines) fitToWidth(tspan, maxWidth, mode);
}

function line(node: SVGTextElement, text: string, x: string, dy: string): SVGTSpanElement {
  const tspan = document.createElementNS('http://www.w3.org/2000/svg', 'tspan');
  tspan.setAttribute('x', x);
  tspan.setAttribute('dy', dy);
  tspan.textContent = text;
  node.append(tspan);
  return tspan;
}

/** Two lines of words whose longer line is as short as it can be. */
function balancedSplit(words: string[]): [string, string] {
  let best: [string, string] = [words[0]!, words.slice(1).join(' ')];
  for (let i = 1; i < words.length; i++) {
    const candidate: [string, string] = [words.slice(0, i).join(' '), words.slice(i).join(' ')];
    if (Math.max(...candidate.map((s) => s.length)) < Math.max(...best.map((s) => s.length))) best = candidate;
  }
  return best;
}
