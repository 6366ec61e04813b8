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
 * Speaker keys: space, ←/→, 1–4, s, f, p, ?, Esc. Ignored while
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

const KEYS: Record<string, (actions: KeyActions) => void> = {
  ' ': (a) => a.togglePause(),
  ArrowRight: (a) => a.step(1),
  ArrowLeft: (a) => a.step(-1),
  s: (a) => a.slowMotion(),
  f: (a) => a.toggleFullscreen(),
  p: (a) => a.togglePresentation(),
  '?': (a) => a.toggleHelp(),
  Escape: (a) => a.escape(),
};

function dispatch(key: string, actions: KeyActions): boolean {
  if (Object.hasOwn(SPEED_KEYS, key)) actions.setSpeed(SPEED_KEYS[key]!);
  else if (Object.hasOwn(KEYS, key)) KEYS[key]!(actions);
  else return false;
  return true;
}
