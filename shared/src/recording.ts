import type { TargetInfo, Trace } from './model';

/** The version of the Recording shape below; bumped when it changes incompatibly. */
export const RECORDING_VERSION = 1;

/**
 * A recorded session as the dashboard's player takes it: the assembled,
 * finished traces (oldest first) and the targets they belong to. The file a
 * speaker keeps is OTLP JSON lines (spans, readable by other tools); the hub
 * turns it into this for `hopscope replay`, the dashboard's Import and the
 * self-contained HTML export, which embeds one.
 */
export interface Recording {
  version: typeof RECORDING_VERSION;
  /** Shown in the player: usually the file name. */
  title: string;
  targets: TargetInfo[];
  /** Finished traces, sorted by start. */
  traces: Trace[];
  /** Epoch ms: the first trace's start and the last trace's end. */
  start: number;
  end: number;
}

/** What the hub reports about the in-memory recording behind the dashboard's Record button. */
export interface RecordingStatus {
  recording: boolean;
  /** Spans kept so far in this recording. */
  spans: number;
  /** Spans not kept because the recording reached its bound. */
  dropped: number;
  /** Set when the hub records to a file from the start (`--record FILE`). */
  file?: string;
  /** `--record FILE`: spans written to it so far. */
  fileSpans?: number;
  /** `--record FILE`: spans not written (the file failed, or the disk was slower than the spans). */
  fileDropped?: number;
  /** `--record FILE`: why writing failed (e.g. "ENOSPC: no space left on device"); recording to the file has stopped. */
  fileError?: string;
}
