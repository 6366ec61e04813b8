import { HubError, readRecordingFile } from '@hopscope/server';
import type { Recording } from '@hopscope/shared';
import { CliError } from './errors';

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
