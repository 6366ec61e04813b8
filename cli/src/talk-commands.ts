import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHub, HubError, readRecordingFile, selfContainedHtml, type Hub } from '@hopscope/server';
import type { Recording } from '@hopscope/shared';
import { CliError, portInUse } from './errors';
import type { CliOptions } from './options';
import { UI_DIR } from './start';

/** Reads a recording file, turning what can go wrong into one CLI error that names the file. */
export async function loadRecording(file: string | undefined, command: string): Promise<Recording> {
  if (!file)
    throw new CliError('HOPSCOPE_CLI_BAD_RECORDING', `hopscope ${command} needs a recording file, e.g. hopscope ${command} talk.jsonl`);
  let recording: Recording;
  try {
    recording = await readRecordingFile(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT')
      throw new CliError('HOPSCOPE_CLI_BAD_RECORDING', `Cannot read ${file}: no such file`, { cause: error });
    if (error instanceof HubError)
      throw new CliError('HOPSCOPE_CLI_BAD_RECORDING', `${file} is not an OTLP JSON recording: ${error.message}`, { cause: error });
    throw new CliError('HOPSCOPE_CLI_BAD_RECORDING', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  // Better to learn this at home than on stage.
  if (recording.traces.length === 0)
    throw new CliError(
      'HOPSCOPE_CLI_BAD_RECORDING',
      `${file} holds no finished request: record some traffic first (hopscope demo --record ${file})`,
    );
  return recording;
}

/** `hopscope replay FILE`: a hub that serves the recording to the dashboard; no proxies, no demo, no OTLP port. */
export async function startReplay(options: CliOptions): Promise<{ hub: Hub; recording: Recording }> {
  const recording = await loadRecording(options.positionals[0], 'replay');
  const hub = await createHub({
    host: options.host,
    port: options.port,
    otlpPort: null,
    uiDir: UI_DIR,
    token: options.token,
    replay: recording,
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    throw code === 'EADDRINUSE' ? portInUse('The hub', options.host, options.port, '--port', error) : error;
  });
  return { hub, recording };
}

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
