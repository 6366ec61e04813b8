/** At most this many frames are listed; a recursion overflow has thousands. */
export const MAX_FRAMES = 40;

const PYTHON_HEADER = 'Traceback (most recent call last):';
const PYTHON_FRAME = /^\s*File "(.*)", line (\d+)(?:, in (.*))?$/;
const AT_FRAME = /^\s+at\s/;

/**
 * The frames of an exception's stack trace, innermost (where it was raised)
 * first, one string per frame. Python prints the innermost frame last ("most
 * recent call last") and each frame on two lines (location, then source);
 * JavaScript and Java print it first, one `at …` line each. Only the last
 * traceback of a chained Python exception is read: the one that escaped.
 */
export function exceptionFrames(stack: string): string[] {
  const lines = stack.split(/\r?\n/);
  const header = lines.lastIndexOf(PYTHON_HEADER);
  if (header >= 0) return pythonFrames(lines.slice(header + 1)).slice(0, MAX_FRAMES);
  const at = lines.filter((line) => AT_FRAME.test(line)).map((line) => line.trim());
  if (at.length > 0) return at.slice(0, MAX_FRAMES);
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, MAX_FRAMES);
}

function pythonFrames(lines: string[]): string[] {
  const frames: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = PYTHON_FRAME.exec(lines[i]!);
    if (!match) continue;
    const [, file, line, fn] = match;
    const next = lines[i + 1];
    const source = next !== undefined && !PYTHON_FRAME.test(next) && /^\s{4,}\S/.test(next) ? next.trim() : '';
    if (source) i++;
    frames.push(`${fn ?? '?'} (${file}:${line})${source ? ` — ${source}` : ''}`);
  }
  return frames.reverse();
}
