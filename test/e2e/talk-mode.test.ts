import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Recording } from '@hopscope/shared';
import { runHopscope, startHopscopeProcess } from '../support/bin';
import { launchBrowser } from '../support/browser';
import { getJson } from '../support/http';

const FIXTURE = fileURLToPath(new URL('../fixtures/talk.jsonl', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results', import.meta.url));

let replay: Awaited<ReturnType<typeof startHopscopeProcess>>;
let hubUrl: string;
let recording: Recording;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-talk-'));
  replay = await startHopscopeProcess(['replay', FIXTURE, '--port', '0'], /dashboard\s+(http:\S+)/);
  hubUrl = /dashboard\s+(http:\S+)/.exec(replay.output())![1]!;
  recording = await getJson<Recording>(`${hubUrl}/api/replay`);
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(hubUrl);
  await page.getByTestId('replay-bar').waitFor();
});
afterAll(async () => {
  await closeBrowser?.();
  await replay?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const playhead = () => page.getByTestId('replay-bar').evaluate((el) => Number((el as HTMLElement).dataset.playhead));

/** Records, in the page, the order in which each request's particle first appears. */
async function watchParticles(): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<[string, number]> = [];
    (window as unknown as { __seen: Array<[string, number]> }).__seen = seen;
    let frameNo = 0;
    const look = () => {
      frameNo++;
      for (const el of Array.from(document.querySelectorAll<SVGElement>('[data-testid=particle]'))) {
        const id = el.dataset.traceId!;
        if (!seen.some(([known]) => known === id)) seen.push([id, frameNo]);
      }
      requestAnimationFrame(look);
    };
    look();
  });
}

describe('hopscope replay in the dashboard', () => {
  it('plays every request of the recording, in the order they happened', async () => {
    await page.getByTestId('speed').selectOption('1');
    await page.getByTestId('scrubber').fill('0');
    await watchParticles();
    const length = recording.end - recording.start;
    await expect.poll(playhead, { timeout: 30_000 }).toBeGreaterThanOrEqual(Math.floor(length) - 1);
    const seen = await page.evaluate(() => (window as unknown as { __seen: Array<[string, number]> }).__seen);
    const startOf = new Map(recording.traces.map((t) => [t.traceId, t.start]));
    expect(new Set(seen.map(([id]) => id))).toEqual(new Set(recording.traces.map((t) => t.traceId)));
    // A request first drawn in a later frame started after (or within a few frames of) every one drawn
    // in an earlier frame; those that appear in the same frame (a slow frame) may come in any order.
    for (let i = 1; i < seen.length; i++) {
      const [id, frame] = seen[i]!;
      for (const [earlierId, earlierFrame] of seen.slice(0, i)) {
        if (earlierFrame < frame) expect(startOf.get(id)! + 120).toBeGreaterThanOrEqual(startOf.get(earlierId)!);
      }
    }
    // At the end the replay stands still and says where it is.
    await expect.poll(() => page.getByTestId('replay-play').textContent()).toBe('Play');
    expect(await page.getByTestId('replay-time').textContent()).toMatch(/^0:0\d\.\d \/ 0:0\d\.\d$/);
  });

  it('plays at the chosen speed: at 0.25× the playhead moves a quarter as fast as the wall clock', async () => {
    await page.getByTestId('scrubber').fill('0');
    await page.getByTestId('speed').selectOption('0.25');
    // Playing (after the first test the replay stands at its end; run alone, it is already playing).
    if ((await page.getByTestId('replay-play').textContent()) === 'Play') await page.getByTestId('replay-play').click();
    await expect.poll(() => page.getByTestId('replay-play').textContent(), { timeout: 10_000 }).toBe('Pause');
    // Each playhead change, stamped with the page's clock when it is observed: the value was computed
    // after the previous change was observed and before this one, so the playback clock's arithmetic
    // (virtual time = anchor + 0.25 × real time) bounds it whatever the frame rate is.
    await page.getByTestId('replay-bar').evaluate((bar) => {
      const samples: Array<[number, number]> = [];
      (window as unknown as { __playhead: typeof samples }).__playhead = samples;
      new MutationObserver(() => samples.push([Date.now(), Number((bar as HTMLElement).dataset.playhead)])).observe(bar, {
        attributes: true,
        attributeFilter: ['data-playhead'],
      });
    });
    const samples = () => page.evaluate(() => (window as unknown as { __playhead: Array<[number, number]> }).__playhead);
    // From the second change on (the first has no earlier observation to bound it), 400 ms of playhead.
    await expect.poll(async () => (await samples()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const from = (await samples())[1]![1];
    await expect.poll(async () => (await samples()).at(-1)![1] - from, { timeout: 15_000 }).toBeGreaterThan(400);
    const all = await samples();
    const [i, j] = [1, all.length - 1];
    const moved = all[j]![1] - all[i]![1];
    // Real time between the two computations: more than from the i-th observation to the (j-1)-th,
    // less than from the (i-1)-th to the j-th. Playheads are whole milliseconds (±1 ms, ×4 at 0.25×).
    const shortest = all[j - 1]![0] - all[i]![0];
    const longest = all[j]![0] - all[i - 1]![0];
    expect(moved / 0.25).toBeGreaterThanOrEqual(shortest - 4);
    expect(moved / 0.25).toBeLessThanOrEqual(longest + 4);
    // Space pauses and resumes, as the speaker's clicker would.
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('replay-play').textContent()).toBe('Play');
    const still = await playhead();
    await page.keyboard.press(' ');
    await expect.poll(playhead).toBeGreaterThan(still);
  });

  it('slow motion: each step moves the request exactly one station, with a caption and its measured time', async () => {
    const row = page.locator('[data-testid=trace-row]').filter({ hasText: '/items/7' }).first();
    await row.click();
    await page.getByTestId('slowmo-open').click();
    const caption = page.getByTestId('slowmo-caption');
    await expect.poll(() => page.getByTestId('slowmo-stop').count()).toBeGreaterThan(3);
    const chips = await page.getByTestId('slowmo-stop').allTextContents();
    expect(chips[0]).toBe('Proxy');
    expect(chips.at(-1)).toBe('Done');
    expect(chips).toEqual(expect.arrayContaining(['Gateway (WSGI)', 'Route match', 'View', 'Response']));
    const traceId = await row.getAttribute('data-trace-id');
    const particle = page.locator(`[data-testid=particle][data-trace-id="${traceId}"]`);
    const state = async () => ({
      step: Number(await caption.getAttribute('data-step')),
      station: await caption.getAttribute('data-station'),
      drawn: await particle.getAttribute('data-station'),
    });
    await expect.poll(state).toEqual({ step: 0, station: 'proxy', drawn: 'proxy' });
    for (let step = 1; step < chips.length; step++) {
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await state()).step).toBe(step);
      const now = await state();
      // The diagram draws the request where the caption says it is ('done' is drawn past the response).
      expect(now.drawn).toBe(now.station);
      expect(await page.getByTestId('slowmo-time').textContent()).toMatch(now.station === 'done' ? /^$/ : /ms \((measured|derived)\)$/);
    }
    expect(await caption.textContent()).toMatch(/^Done: 200 in \d+\.\d ms/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await state()).step).toBe(chips.length - 2);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('slowmo').isVisible()).toBe(false);
  });

  it('presentation mode: projector theme, chrome hidden, big counters; keys for speed and help', async () => {
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.body.dataset.presentation)).toBe('on');
    expect(await page.getByTestId('trace-list').isVisible()).toBe(false);
    expect(await page.getByTestId('speed').isVisible()).toBe(false);
    const counterSize = await page
      .locator('[data-testid=counters] dd')
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    // One compact line per target at 24 px; the diagram's labels carry the talk (test/e2e/flow-diagram.test.ts measures them).
    expect(counterSize).toBeGreaterThanOrEqual(22);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    await page.keyboard.press('3');
    expect(await page.getByTestId('speed').inputValue()).toBe('0.1');
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help').isVisible()).toBe(false);
    // A picture (test-results/): presentation mode in the middle of the recording, one request in slow motion.
    // docs/presentation.png comes from test/e2e/flow-diagram.test.ts (1280×720).
    await page.keyboard.press('1');
    await page.getByTestId('scrubber').fill(String(Math.round((recording.end - recording.start) * 0.62)));
    await page.keyboard.press('s');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('slowmo-caption').getAttribute('data-step')).toBe('3');
    await mkdir(RESULTS, { recursive: true });
    const shot = await page.screenshot();
    await import('node:fs/promises').then((fs) => fs.writeFile(join(RESULTS, 'presentation.png'), shot));
    await page.keyboard.press('Escape');
    await page.keyboard.press('p');
    await expect.poll(() => page.evaluate(() => document.body.dataset.presentation)).toBe('off');
  });
});

describe('Export HTML from the replaying hub', () => {
  it('downloads one page that carries the replayed recording', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
    const html = await readFile((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('hopscope-recording.html');
    expect(html).toContain('id="hopscope-recording"');
    expect(html).toContain(recording.traces[0]!.traceId);
  });
});

describe('the exported HTML file', () => {
  it('opens from file:// with every network request blocked and plays the recording', async () => {
    const out = join(dir, 'talk.html');
    const result = await runHopscope(['export', FIXTURE, '--out', out]);
    expect(result.code).toBe(0);
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.setOffline(true);
    const leaked: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      leaked.push(route.request().url());
      return route.abort();
    });
    const offline = await context.newPage();
    await offline.goto(pathToFileURL(out).href);
    await expect.poll(() => offline.getByTestId('connection').textContent()).toBe('recording (offline)');
    await expect.poll(() => offline.getByTestId('trace-row').count(), { timeout: 15_000 }).toBeGreaterThan(5);
    await expect.poll(() => offline.getByTestId('particle').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await offline.getByTestId('replay-title').textContent()).toBe(`talk.jsonl · ${recording.traces.length} requests`);
    expect(await offline.getByTestId('record').isVisible()).toBe(false);
    expect(await offline.getByTestId('send-form').isVisible()).toBe(false);
    expect(await offline.getByTestId('export-html').isVisible()).toBe(false);
    expect(leaked).toEqual([]);
    await context.close();
    expect((await readFile(out, 'utf8')).length).toBeGreaterThan(1000);
  });
});
