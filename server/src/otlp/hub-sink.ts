import type { SpanRecord } from '@hopscope/shared';
import type { LogStore } from '../pipeline/log-store';
import { toTraceLog } from './logs';
import { ACCEPTED } from './response';
import type { OtlpSink } from './signals';

export interface HubSinkDeps {
  /** The trace pipeline's ingest (redact, store, export, record). */
  ingest(spans: SpanRecord[]): void;
  /** The store's running count of spans it dropped (per-trace limit). */
  spansDropped(): number;
  logs: LogStore;
  /** A log record was kept for this trace: its live view should be sent again. */
  onTraceLogged(traceId: string): void;
}

export interface HubSink extends OtlpSink {
  /** Metric exports accepted and dropped, and the ResourceMetrics they held. */
  readonly metricsReceived: { exports: number; resourceMetrics: number };
  /** Log records without a trace id: accepted, not kept (there is no trace to show them with). */
  readonly logsWithoutTrace: number;
}

/** What the OTLP receivers do with each signal in a hub: spans to the pipeline, logs with a trace id to the log store, metrics counted. */
export function createHubSink(deps: HubSinkDeps): HubSink {
  const metricsReceived = { exports: 0, resourceMetrics: 0 };
  let logsWithoutTrace = 0;
  return {
    metricsReceived,
    get logsWithoutTrace() {
      return logsWithoutTrace;
    },
    spans: (spans) => {
      // Ingest is synchronous, so the change in the store's count is this export's drops.
      const before = deps.spansDropped();
      deps.ingest(spans);
      const rejected = deps.spansDropped() - before;
      return rejected === 0
        ? ACCEPTED
        : { rejected, message: `${rejected} spans dropped: their traces already hold as many spans as the hub keeps` };
    },
    logs: (records) => {
      for (const record of records) {
        if (!record.traceId) {
          logsWithoutTrace++;
          continue;
        }
        if (deps.logs.add(record.traceId, toTraceLog(record))) deps.onTraceLogged(record.traceId);
      }
    },
    metrics: (resourceMetrics) => {
      metricsReceived.exports++;
      metricsReceived.resourceMetrics += resourceMetrics;
    },
  };
}
