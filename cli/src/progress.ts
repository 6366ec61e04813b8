/**
 * A progress line on stderr. On a terminal it is rewritten in place with a
 * carriage return; anywhere else (a pipe, a CI log, a file) each `\r` would
 * pile up into one endless line, so each phase gets one plain line instead,
 * written with its last numbers when the next phase begins or at the end.
 */
export interface Progress {
  /** The latest state of the phase `key` (e.g. "gunicorn measure"). */
  update(key: string, line: string): void;
  /** The run is over: finish the line, so what follows starts on a fresh one. */
  end(): void;
}

export function progressOn(stream: NodeJS.WriteStream = process.stderr): Progress {
  let last: { key: string; line: string } | undefined;
  const flushPlain = () => {
    if (last && !stream.isTTY) stream.write(`${last.line}\n`);
  };
  return {
    update(key, line) {
      if (stream.isTTY) stream.write(`\r${line}\x1b[K`);
      else if (last && last.key !== key) flushPlain();
      last = { key, line };
    },
    end() {
      if (stream.isTTY && last) stream.write('\n');
      else flushPlain();
      last = undefined;
    },
  };
}
