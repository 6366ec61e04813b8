import type { Recording, SpanRecord } from '@hopscope/shared';
import { FileRecorder } from './file-recorder';
import { MemoryRecorder } from './memory-recorder';

export { recordingRoutes } from './routes';
export { readRecordingFile, decodeOtlpJsonText } from './read';
export { selfContainedHtml, embedJson } from './html';
export { buildRecording, recordingOf } from './build';

/** The hub's recorders: `--record FILE` and the Record button, fed with every finished, redacted span. */
export class HubRecorders {
  readonly memory = new MemoryRecorder();
  readonly file: FileRecorder | undefined;

  constructor(
    file: string | undefined,
    readonly replay?: Recording,
  ) {
    this.file = file ? new FileRecorder(file) : undefined;
  }

  add(span: SpanRecord): void {
    this.memory.add(span);
    this.file?.add(span);
  }

  /** `--record FILE`'s part of the hub's health: what was lost, and why the file failed. */
  health(): { recordDropped?: number; recordError?: string } {
    if (!this.file) return {};
    return this.file.error === undefined
      ? { recordDropped: this.file.dropped }
      : { recordDropped: this.file.dropped, recordError: this.file.error };
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}
