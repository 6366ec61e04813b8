import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selfContainedHtml } from '@hopscope/server';
import { CliError } from '../errors';
import type { CliOptions } from '../options';
import { loadRecording } from '../recording-file';
import { UI_DIR } from '../start';

/** `hopscope export FILE [--out OUT.html]`: one self-contained HTML file with the player and the recording. */
export async function runExport(options: CliOptions): Promise<string> {
  const file = options.positionals[0];
  const recording = await loadRecording(file, 'export');
  if (!existsSync(join(UI_DIR, 'index.html'))) {
    throw new CliError(
      'HOPSCOPE_CLI_PREREQUISITE_MISSING',
      `The built dashboard is missing (${UI_DIR}): run npm run build:ui, then export again`,
    );
  }
  const out = options.out ?? file!.replace(/\.(jsonl|ndjson|json)$/i, '') + '.html';
  const html = await selfContainedHtml(UI_DIR, recording);
  await writeFile(out, html);
  const size = (await stat(out)).size;
  return `wrote ${out}: ${recording.traces.length} traces, ${(size / 1024).toFixed(0)} KB — open it in a browser, no server or network needed`;
}
