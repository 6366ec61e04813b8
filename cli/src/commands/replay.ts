import { createHub, type Hub } from '@hopscope/server';
import type { Recording } from '@hopscope/shared';
import { portInUse } from '../errors';
import type { CliOptions } from '../options';
import { loadRecording } from '../recording-file';
import { UI_DIR } from '../start';

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
