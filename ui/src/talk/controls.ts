import type { Recording, RecordingStatus } from '@hopscope/shared';
import { importRecording, recordingStatus, setRecording } from './hub-api';
import { otlpRequestsFromText } from './import-file';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The header's Record, Import and Export HTML controls (live dashboard only).
 * Record keeps the session's spans in the hub; when stopped, they download as
 * OTLP JSON lines. Import replays a file in this page. Export is a plain link.
 */
export function mountTalkControls(onImported: (recording: Recording) => void, onError: (message: string) => void): void {
  const record = byId<HTMLButtonElement>('record');
  const download = byId<HTMLAnchorElement>('record-download');
  download.href = `api/recording.jsonl${location.search}`;
  let status: RecordingStatus | undefined;
  const show = (next: RecordingStatus) => {
    status = next;
    record.dataset.recording = String(next.recording);
    record.textContent = next.fileError
      ? `⚠ Recording to ${next.file} failed: ${next.fileError}`
      : next.file
        ? `● Recording to ${next.file}`
        : next.recording
          ? `■ Stop (${next.spans} spans)`
          : '● Record';
    record.disabled = next.file !== undefined;
    download.hidden = next.recording || next.spans === 0;
  };
  const refresh = () => void recordingStatus().then(show, () => undefined);
  refresh();
  // The span count moves while recording; once a second is enough to read it.
  setInterval(() => {
    // A --record file can fail at any time: keep asking until it has.
    if ((status?.recording && !status.file) || (status?.file && !status.fileError)) refresh();
  }, 1000);
  record.addEventListener('click', () => {
    void setRecording(status?.recording ? 'stop' : 'start').then(show, (error: Error) => onError(`recording: ${error.message}`));
  });

  const input = byId<HTMLInputElement>('import-file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void file
      .text()
      .then((text) => importRecording(otlpRequestsFromText(text), file.name))
      .then(onImported, (error: Error) => onError(`import of ${file.name}: ${error.message}`));
  });
}
