/**
 * Squeezes an SVG label into `maxWidth` when its font draws it wider (fonts
 * differ between machines; presentation mode enlarges the type). Measures
 * only when the text or the mode changed, never per frame: a measurement
 * forces layout. A label measured while hidden (width 0) is measured again.
 */
export function fitToWidth(node: SVGTextElement, maxWidth: number, mode: string): void {
  const key = `${node.textContent ?? ''}\u0000${mode}`;
  if (node.dataset.fittedFor === key) return;
  node.removeAttribute('textLength');
  node.removeAttribute('lengthAdjust');
  const width = node.getComputedTextLength();
  if (width === 0) return;
  if (width > maxWidth) {
    node.setAttribute('textLength', String(maxWidth));
    node.setAttribute('lengthAdjust', 'spacingAndGlyphs');
  }
  node.dataset.fittedFor = key;
}
