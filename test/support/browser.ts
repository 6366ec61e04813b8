import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, started headless with the flags this machine needs (no network beyond loopback). */
export const CHROMIUM = process.env.HOPSCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Playwright gives every launch a fresh, empty profile directory of its own (it refuses --user-data-dir). */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  // Browser tests never skip: without Chromium they fail, saying what to install.
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set HOPSCOPE_CHROMIUM).`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}
