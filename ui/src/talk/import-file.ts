/**
 * Turns the text of an OTLP file into the body `POST /api/import` takes: a
 * JSON array of ExportTraceServiceRequest objects. Accepts one JSON document
 * (an object, or an array of them) or JSON lines (the OpenTelemetry
 * Collector's file exporter writes one request per line). Throws an Error
 * naming the line that is not JSON.
 */
export function otlpRequestsFromText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('the file is empty');
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    // Not one document: read it as JSON lines.
  }
  const requests: unknown[] = [];
  const lines = trimmed.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      requests.push(JSON.parse(line));
    } catch {
      throw new Error(`line ${index + 1} is not JSON (expected OTLP JSON or JSON lines)`);
    }
  });
  return requests;
}
