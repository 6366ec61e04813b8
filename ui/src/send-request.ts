/**
 * "Send a request" from the page: it goes through the target's proxy (via
 * the hub's same-origin /api/send/…), carrying a traceparent minted here, and
 * the browser hop measured with Resource Timing is reported to the hub as the
 * trace's `client` span (OTLP JSON), so the diagram starts at "Browser".
 */
export interface SendResult {
  traceId: string;
  status: number;
  durationMs: number;
}

export async function sendRequest(target: string, method: string, path: string, body: string | undefined): Promise<SendResult> {
  const traceId = randomHex(16);
  const clientSpanId = randomHex(8);
  const url = `/api/send/${encodeURIComponent(target)}${path.startsWith('/') ? path : `/${path}`}`;
  const started = performance.now();
  const response = await fetch(url, {
    method,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
    headers: { traceparent: `00-${traceId}-${clientSpanId}-01`, 'content-type': 'text/plain', 'x-hopscope-send': '1' },
  });
  await response.arrayBuffer();
  const ended = performance.now();
  const entry = performance.getEntriesByName(new URL(url, location.href).href).at(-1) as PerformanceResourceTiming | undefined;
  const startMs = performance.timeOrigin + (entry?.startTime ?? started);
  const endMs = performance.timeOrigin + (entry?.responseEnd || ended);
  await reportClientSpan({ traceId, spanId: clientSpanId, target, method, path, status: response.status, startMs, endMs });
  return { traceId, status: response.status, durationMs: endMs - startMs };
}

async function reportClientSpan(span: {
  traceId: string;
  spanId: string;
  target: string;
  method: string;
  path: string;
  status: number;
  startMs: number;
  endMs: number;
}): Promise<void> {
  const nanos = (ms: number) => `${Math.round(ms * 1000)}000`;
  const attr = (key: string, value: string | number) => ({
    key,
    value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value },
  });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'hopscope-dashboard')] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: span.traceId,
                spanId: span.spanId,
                name: `${span.method} ${span.path}`,
                kind: 3,
                startTimeUnixNano: nanos(span.startMs),
                endTimeUnixNano: nanos(span.endMs),
                attributes: [
                  attr('hopscope.hop', 'client'),
                  attr('hopscope.target', span.target),
                  attr('http.request.method', span.method),
                  attr('url.path', span.path.split('?')[0] ?? '/'),
                  attr('http.response.status_code', span.status),
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  await fetch(`/v1/traces${location.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return [...buffer].map((b) => b.toString(16).padStart(2, '0')).join('');
}
