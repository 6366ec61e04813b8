import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Recording } from '@hopscope/shared';
import { HubError } from '../errors';

/** The exported page may load nothing from anywhere: it opens from disk, offline. */
const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`;
const SCRIPT_TAG = /<script\b[^>]*\bsrc="(\.\/assets\/[^"]+\.js)"[^>]*><\/script>/g;
const STYLE_TAG = /<link\b[^>]*\brel="stylesheet"[^>]*\bhref="(\.\/assets\/[^"]+\.css)"[^>]*>/g;

/**
 * One .html file with the dashboard and a recording inside: the
 * built dashboard's index.html (Vite output) with its JS and CSS inlined and
 * the recording as `<script type="application/json" id="hopscope-recording">`,
 * which the dashboard finds and plays without a hub.
 */
export async function selfContainedHtml(uiDir: string | undefined, recording: Recording): Promise<string> {
  return [...(await selfContainedHtmlPieces(uiDir, recording))].join('');
}

/** Stands where the recording goes while the page is put together; cannot occur in the page (a NUL). */
const DATA_MARK = '\u0000hopscope-recording\u0000';
/** Traces per piece of the embedded recording. */
const TRACES_PER_PIECE = 200;

/**
 * selfContainedHtml as pieces made one at a time (http/paced.ts): the page
 * around the recording, and the recording's JSON a few hundred traces at a
 * time, so exporting a full window does not hold the hub's loop.
 */
export async function selfContainedHtmlPieces(uiDir: string | undefined, recording: Recording): Promise<Iterable<string>> {
  const indexFile = uiDir ? join(uiDir, 'index.html') : '';
  if (!uiDir || !existsSync(indexFile)) {
    throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `the built dashboard is missing${uiDir ? ` (${indexFile})` : ''}: run npm run build:ui`);
  }
  const html = await readFile(indexFile, 'utf8');
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const [, src] of html.matchAll(SCRIPT_TAG)) scripts.push(escapeScript(await readAsset(uiDir, src!)));
  for (const [, href] of html.matchAll(STYLE_TAG)) styles.push(escapeStyle(await readAsset(uiDir, href!)));
  const data = `<script type="application/json" id="hopscope-recording">${DATA_MARK}</script>`;
  // Functions as replacements: `$&` and friends in the bundle must not be interpreted.
  let out = html.replace(STYLE_TAG, () => `<style>${styles.shift() ?? ''}</style>`);
  out = out.replace(SCRIPT_TAG, () => `${data}\n    <script type="module">${scripts.shift() ?? ''}</script>`);
  if (!out.includes('id="hopscope-recording"')) out = out.replace('</head>', () => `${data}\n</head>`);
  out = out.replace(/<head>/i, () => `<head>\n    ${CSP}`);
  const at = out.indexOf(DATA_MARK);
  if (at < 0) return [out];
  return pagePieces(out.slice(0, at), recording, out.slice(at + DATA_MARK.length));
}

function* pagePieces(before: string, recording: Recording, after: string): Iterable<string> {
  yield before;
  yield* embedJsonPieces(recording, TRACES_PER_PIECE);
  yield after;
}

/** embedJson(recording) in pieces of `perPiece` traces; JSON.parse reads their concatenation back as the same recording. */
function* embedJsonPieces(recording: Recording, perPiece: number): Iterable<string> {
  const { traces, ...rest } = recording;
  yield `${embedJson(rest).slice(0, -1)},"traces":[`;
  for (let i = 0; i < traces.length; i += perPiece) {
    const piece = traces
      .slice(i, i + perPiece)
      .map(embedJson)
      .join(',');
    yield i === 0 ? piece : `,${piece}`;
  }
  yield ']}';
}

/**
 * JSON inside a script element: `<` becomes `\u003c` so no span name can
 * close the element (`</script>`) or open a comment (`<!--`); U+2028/U+2029
 * are escaped for older JavaScript parsers. JSON.parse reads it back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * `</script` can only appear in the bundle inside strings, template literals,
 * regular expressions or comments, where `<\/script` means the same thing
 * (`\/` is a valid escape in all of them, `u`-flag regexes included). The
 * Vite bundle has none today; this keeps a future one from closing the element.
 */
function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

function escapeStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

async function readAsset(uiDir: string, relative: string): Promise<string> {
  const root = resolve(uiDir);
  const file = resolve(root, relative);
  // index.html is ours, but never read outside ui/dist whatever it says.
  if (!file.startsWith(root + sep)) throw new HubError('HOPSCOPE_HUB_NOT_FOUND', `asset ${relative} is outside the dashboard folder`);
  return readFile(file, 'utf8');
}
