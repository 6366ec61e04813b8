import { spawn } from 'node:child_process';

/**
 * `--open`: hands the dashboard's URL to the desktop's opener (xdg-open on
 * Linux and the BSDs, open on macOS, start on Windows). A missing opener, or
 * one that fails (a server without a desktop), is a warning: hopscope keeps
 * serving and the URL is in the banner.
 */
export function openInBrowser(url: string, warn: (message: string) => void = (m) => console.warn(m)): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  const failed = (why: string) => warn(`warning: --open could not open a browser (${command} ${why}); open ${url} yourself.`);
  try {
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.on('error', (error: NodeJS.ErrnoException) => failed(error.code === 'ENOENT' ? 'is not installed' : error.message));
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) failed(`exited with status ${code}`);
    });
    child.unref();
  } catch (error) {
    failed((error as Error).message);
  }
}
