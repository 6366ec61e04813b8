import { parseRecording, type Recording } from '@hopscope/shared';

/**
 * The recording inside an exported page (`hopscope export`, or the
 * dashboard's Export HTML): a `<script type="application/json">` element. Its
 * presence means the page was opened from a file, with no hub behind it.
 */
export function embeddedRecording(): Recording | undefined {
  const element = document.getElementById('hopscope-recording');
  if (!element?.textContent) return undefined;
  try {
    return parseRecording(JSON.parse(element.textContent));
  } catch {
    return undefined;
  }
}
