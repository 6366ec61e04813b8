/** What the keys do; main.ts supplies the actions. */
export interface KeyActions {
  togglePause(): void;
  step(delta: 1 | -1): void;
  setSpeed(rate: number): void;
  slowMotion(): void;
  toggleFullscreen(): void;
  togglePresentation(): void;
  toggleHelp(): void;
  escape(): void;
}

/** Keys 1–4: from real time down to the slowest slow motion. */
export const SPEED_KEYS: Record<string, number> = { '1': 1, '2': 0.25, '3': 0.1, '4': 0.05 };

/**
 * Speaker keys (issue 6): space, ←/→, 1–4, s, f, p, ?, Esc. Ignored while
 * typing in a field, and with modifier keys, so the browser's own shortcuts
 * keep working.
 */
export function bindKeys(target: Document, actions: KeyActions): void {
  target.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const element = event.target as HTMLElement | null;
    if (element && (['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName) || element.isContentEditable)) {
      // A range input (the scrubber) keeps its arrows; other keys still work there.
      if (!(element instanceof HTMLInputElement && element.type === 'range' && !event.key.startsWith('Arrow'))) return;
    }
    const handled = dispatch(event.key, actions);
    if (handled) event.preventDefault();
  });
}

function dispatch(key: string, actions: KeyActions): boolean {
  if (key in SPEED_KEYS) {
    actions.setSpeed(SPEED_KEYS[key]!);
    return true;
  }
  switch (key) {
    case ' ':
      actions.togglePause();
      return true;
    case 'ArrowRight':
      actions.step(1);
      return true;
    case 'ArrowLeft':
      actions.step(-1);
      return true;
    case 's':
      actions.slowMotion();
      return true;
    case 'f':
      actions.toggleFullscreen();
      return true;
    case 'p':
      actions.togglePresentation();
      return true;
    case '?':
      actions.toggleHelp();
      return true;
    case 'Escape':
      actions.escape();
      return true;
    default:
      return false;
  }
}
