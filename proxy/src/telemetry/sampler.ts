import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * hopscope's default sampler: every request is recorded and marked sampled
 * (`-01`) on its way upstream, even when the caller sent `-00`. hopscope
 * exists to show every request, and the app behind it should record its
 * spans too, or the dashboard would show a proxy hop with nothing under it.
 * The caller's trace id and `tracestate` are kept; only the sampled flag
 * changes. Setting the standard `OTEL_TRACES_SAMPLER` (e.g.
 * `parentbased_always_on`) replaces this with the SDK's own sampler, which
 * respects the caller.
 */
export class RecordEveryRequest implements Sampler {
  shouldSample(): SamplingResult {
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return 'RecordEveryRequest';
  }
}

/** The sampler to configure, or undefined when OTEL_TRACES_SAMPLER is set and the SDK builds its own from it. */
export function proxySampler(env: NodeJS.ProcessEnv = process.env): Sampler | undefined {
  return env.OTEL_TRACES_SAMPLER?.trim() ? undefined : new RecordEveryRequest();
}
