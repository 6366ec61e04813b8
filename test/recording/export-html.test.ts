import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub } from '@hopscope/server';
import { parseRecording, type Recording } from '@hopscope/shared';
import { runHopscope } from '../support/bin';
import { launchBrowser } from '../support/browser';
import { request } from '../support/http';
import { otelJson, sdkSpans } from './otel-spans';

const EVIL = '</script><img src=x onerror=alert(1)>';
const DATA = /<script type="application\/json" id="hopscope-recording">([\s\S]*?)<\/script>/;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hopscope-export-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The page's markup without the inlined code and styles: what could reference another file. */
function markupOutsideCode(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>').replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '<style></style>');
}

describe('hopscope export FILE', () => {
  let html: string;
  beforeAll(async () => {
    const file = join(dir, 'talk.jsonl');
    await writeFile(file, `${otelJson(sdkSpans('/items/7'))}\n${otelJson(sdkSpans('/evil', EVIL))}\n`);
    const result = await runHopscope(['export', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote .*talk\.html: 2 traces/);
    html = await readFile(join(dir, 'talk.html'), 'utf8');
  });

  it('writes one file that references no other file and may load nothing', () => {
    const markup = markupOutsideCode(html);
    // Elements that load something (links the user clicks, <a href>, load nothing by themselves).
    const refs = [
      ...markup.matchAll(/<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\s(?:src|href|data)\s*=\s*["']?([^"'\s>]+)/g),
    ].map((m) => m[1]);
    expect(refs.filter((ref) => !ref!.startsWith('data:'))).toEqual([]);
    expect(refs.length).toBeGreaterThan(0);
    expect(markup).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(markup).toMatch(/<script type="module"><\/script>/);
    expect(markup).toMatch(/<style><\/style>/);
  });

  it('embeds the recording so that the dashboard can parse it, hostile span names and all', () => {
    const recording = parseRecording(JSON.parse(DATA.exec(html)![1]!));
    expect(recording?.traces.map((t) => t.path)).toEqual(['/items/7', '/evil']);
    expect(recording?.traces[1]!.hops[0]!.name).toBe(EVIL);
    expect(html.split(EVIL).length).toBe(1);
  });

  it('opens from disk in Chromium without a network request, and a span name cannot break out', async () => {
    const { browser, close } = await launchBrowser();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(join(dir, 'talk.html')).href);
      const embedded = await page.evaluate(() => JSON.parse(document.getElementById('hopscope-recording')!.textContent!) as Recording);
      expect(embedded.traces[1]!.hops[0]!.name).toBe(EVIL);
      expect(await page.evaluate(() => document.querySelectorAll('img[onerror]').length)).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    } finally {
      await close();
    }
  });

  it('refuses an empty recording rather than writing a page that plays nothing', async () => {
    const file = join(dir, 'empty.jsonl');
    await writeFile(file, '');
    const result = await runHopscope(['export', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('empty.jsonl holds no finished request');
  });

  it('refuses a bad line with the file name and line number', async () => {
    const file = join(dir, 'broken.jsonl');
    await writeFile(file, `${otelJson(sdkSpans('/ok'))}\n\n{"resourceSpans": 12}\n`);
    const result = await runHopscope(['export', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken.jsonl line 3');
    expect(result.stderr).toContain('HOPSCOPE_CLI_BAD_RECORDING');
  });
});

describe('GET /api/export.html', () => {
  it("exports the live hub's window when nothing was recorded, as an attachment", async () => {
    const hub = await createHub({ port: 0, otlpPort: null, uiDir: join(import.meta.dirname, '../../ui/dist') });
    try {
      await request(`${hub.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otelJson(sdkSpans('/live')),
      });
      const res = await request(`${hub.url}/api/export.html`);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="hopscope-recording.html"');
      expect(parseRecording(JSON.parse(DATA.exec(res.body)![1]!))?.traces.map((t) => t.path)).toEqual(['/live']);
    } finally {
      await hub.close();
    }
  });

  it('says to build the dashboard when ui/dist is missing', async () => {
    const hub = await createHub({ port: 0, otlpPort: null, uiDir: dir });
    try {
      const res = await request(`${hub.url}/api/export.html`);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).message).toContain('npm run build:ui');
    } finally {
      await hub.close();
    }
  });
});
