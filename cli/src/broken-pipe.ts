/**
 * `hopscope … | head -1`: once the reader has gone, writing to stdout fails
 * with EPIPE (Node ignores SIGPIPE, so the error arrives as an event). The
 * output is no longer wanted: exit quietly, as `head`'s other writers do,
 * instead of dying with a stack trace.
 */
export function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
