import type { Attributes } from '@hopscope/shared';
import { bodyText, validSpanId, validTraceId, type DecodedLog } from './logs';
import { readAnyValue, readKeyValue, readResourceAndScopes, Reader } from './protobuf';

/**
 * The OTLP ExportLogsServiceRequest protobuf (opentelemetry-proto
 * collector/logs/v1, logs/v1), read with the trace decoder's reader: only the
 * fields hopscope shows, the rest skipped by wire type. Malformed input
 * throws HubError(HOPSCOPE_HUB_BAD_OTLP).
 */
export function decodeLogsRequestProtobuf(body: Uint8Array): DecodedLog[] {
  const logs: DecodedLog[] = [];
  const reader = new Reader(body);
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) readResourceLogs(reader.sub(), logs);
    else reader.skip(wire);
  });
  return logs;
}

function readResourceLogs(reader: Reader, out: DecodedLog[]): void {
  const { resource, scopes } = readResourceAndScopes(reader);
  for (const scope of scopes) {
    scope.fields((field, wire) => {
      if (field === 2 && wire === 2) out.push(readLogRecord(scope.sub(), resource));
      else scope.skip(wire);
    });
  }
}

function readLogRecord(reader: Reader, resource: Attributes): DecodedLog {
  const log: DecodedLog = { timeMs: 0, severityNumber: 0, severityText: '', body: '', attributes: {}, resource };
  let observedMs = 0;
  reader.fields((field, wire) => {
    if (field === 1 && wire === 1) log.timeMs = reader.nanosMs();
    else if (field === 11 && wire === 1) observedMs = reader.nanosMs();
    else if (field === 2 && wire === 0) log.severityNumber = reader.varint();
    else if (field === 3 && wire === 2) log.severityText = reader.string();
    else if (field === 5 && wire === 2) log.body = readBody(reader.sub());
    else if (field === 6 && wire === 2) readKeyValue(reader.sub(), log.attributes);
    else if (field === 9 && wire === 2) log.traceId = validTraceId(reader.hex());
    else if (field === 10 && wire === 2) log.spanId = validSpanId(reader.hex());
    else reader.skip(wire);
  });
  if (log.timeMs === 0) log.timeMs = observedMs;
  if (!log.traceId) delete log.traceId;
  if (!log.spanId) delete log.spanId;
  return log;
}

/** A body is an AnyValue; structured bodies (kvlist_value, field 6) are common in logs, so they are read here as an object. */
function readBody(reader: Reader): string {
  const start = reader.pos;
  let map: Attributes | undefined;
  reader.fields((field, wire) => {
    if (field === 6 && wire === 2) {
      const list = reader.sub();
      map = {};
      list.fields((entry, entryWire) => (entry === 1 && entryWire === 2 ? readKeyValue(list.sub(), map!) : list.skip(entryWire)));
    } else reader.skip(wire);
  });
  return bodyText(map ?? readAnyValue(new Reader(reader.buf, start, reader.end), 0));
}
