import { z } from 'zod';
import { checkedBy, parseJsonBody } from './json-body';
import { Reader } from './protobuf';

/**
 * Metrics are accepted and dropped: SDKs export them by default (the Node
 * SDK every 60 s) and log an error each time an export fails, so the hub
 * answers success. It checks only that the body is an
 * ExportMetricsServiceRequest, so that garbage still gets a 400.
 * Returns how many ResourceMetrics the export held.
 */
export function checkMetricsRequest(body: Buffer, format: 'json' | 'protobuf'): number {
  return format === 'json' ? checkJson(body.toString('utf8')) : checkProtobuf(body);
}

const exportMetricsRequestJson = z.object({ resourceMetrics: z.array(z.object({}).loose()).optional() });

function checkJson(text: string): number {
  return checkedBy(exportMetricsRequestJson, parseJsonBody(text), 'JSON metrics').resourceMetrics?.length ?? 0;
}

/** Walks the request and each ResourceMetrics' fields: every length and wire type must hold. */
function checkProtobuf(body: Buffer): number {
  let count = 0;
  const reader = new Reader(body);
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) {
      const resourceMetrics = reader.sub();
      resourceMetrics.fields((_inner, innerWire) => resourceMetrics.skip(innerWire));
      count++;
    } else reader.skip(wire);
  });
  return count;
}
