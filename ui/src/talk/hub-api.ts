import { parseRecording, type Recording, type RecordingStatus } from '@hopscope/shared';

/** The hub's talk-mode endpoints (README "API"), same origin, carrying the page's token query. */
const api = (path: string) => `${path}${location.search}`;

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `the hub answered ${response.status}`);
  return body;
}

/** The recording the hub replays (`hopscope replay FILE`), or undefined when it is live. */
export async function fetchReplay(): Promise<Recording | undefined> {
  const response = await fetch(api('/api/replay')).catch(() => undefined);
  // 204: the hub is live.
  if (!response?.ok || response.status === 204) return undefined;
  return parseRecording(await response.json());
}

export async function recordingStatus(): Promise<RecordingStatus> {
  return json<RecordingStatus>(await fetch(api('/api/recording')));
}

export async function setRecording(action: 'start' | 'stop'): Promise<RecordingStatus> {
  // JSON body: the hub refuses state changes that a cross-site form could send.
  return json<RecordingStatus>(
    await fetch(api('/api/recording'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action }),
    }),
  );
}

/** Sends OTLP requests read from a file; the hub decodes and assembles them without storing them. */
export async function importRecording(requests: unknown[], title: string): Promise<Recording> {
  const query = `${location.search ? `${location.search}&` : '?'}title=${encodeURIComponent(title)}`;
  const response = await fetch(`/api/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requests),
  });
  const recording = parseRecording(await json<unknown>(response));
  if (!recording) throw new Error('the hub sent back something that is not a recording');
  return recording;
}
