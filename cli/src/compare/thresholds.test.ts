import { describe, expect, it } from 'vitest';
import { crossedThresholds, parseThreshold, type ResultForThresholds } from './thresholds';

const TARGETS = ['dev', 'workers'];

function result(target: string, p99: number, errors: Record<string, number> = {}, throughput = 100): ResultForThresholds {
  return {
    target,
    requests: 1000,
    throughput,
    errors,
    latency: { count: 1000, p50: p99 / 4, p90: p99 / 2, p95: p99 * 0.8, p99, p999: p99 * 2, max: p99 * 3, mean: p99 / 3 },
  };
}

describe('--fail-if', () => {
  it('reads metric, operator, value and unit, per target or for all', () => {
    expect(parseThreshold('p99>200ms', TARGETS)).toMatchObject({ metric: 'p99', operator: '>', value: 200, target: undefined });
    expect(parseThreshold('workers:p99.9 >= 1.5s', TARGETS)).toMatchObject({
      metric: 'p99.9',
      operator: '>=',
      value: 1500,
      target: 'workers',
    });
    expect(parseThreshold('max>500us', TARGETS).value).toBe(0.5);
    expect(parseThreshold('errors>1%', TARGETS)).toMatchObject({ metric: 'errors', value: 0.01, share: true });
    expect(parseThreshold('throughput<100rps', TARGETS)).toMatchObject({ metric: 'throughput', operator: '<', value: 100 });
  });

  it('refuses what it cannot read with HOPSCOPE_CLI_BAD_THRESHOLD, saying why', () => {
    const bad = (text: string) => {
      try {
        parseThreshold(text, TARGETS);
      } catch (error) {
        return error as { code: string; message: string };
      }
      throw new Error(`"${text}" was accepted`);
    };
    expect(bad('p99>>200ms')).toMatchObject({ code: 'HOPSCOPE_CLI_BAD_THRESHOLD', message: expect.stringContaining('METRIC OP VALUE') });
    expect(bad('p98>200ms').code).toBe('HOPSCOPE_CLI_BAD_THRESHOLD');
    expect(bad('prod:p99>200ms').message).toContain('"prod" is not one of the compared targets (dev, workers)');
    expect(bad('p99>5%').message).toContain('latency');
    expect(bad('throughput<5ms').message).toContain('requests per second');
    expect(bad('errors>3s').message).toContain('errors is a count');
  });

  it('fails a target exactly when the condition holds, and says what was measured', () => {
    const results = [result('dev', 250, { http_500: 20 }, 40), result('workers', 150)];
    const crossed = crossedThresholds(
      [
        parseThreshold('p99>200ms', TARGETS),
        parseThreshold('workers:p99>200ms', TARGETS),
        parseThreshold('errors>1%', TARGETS),
        parseThreshold('errors>=20', TARGETS),
        parseThreshold('throughput<50', TARGETS),
        parseThreshold('p99>250ms', TARGETS),
      ],
      results,
    );
    expect(crossed.map((c) => `${c.threshold.text} ${c.target}`)).toEqual([
      'p99>200ms dev',
      'errors>1% dev',
      'errors>=20 dev',
      'throughput<50 dev',
    ]);
    expect(crossed[0]!.sentence).toBe("dev: p99 was 250.0 ms, and --fail-if 'p99>200ms' holds");
    expect(crossed[1]!.sentence).toBe("dev: errors was 2.00% of 1000 requests, and --fail-if 'errors>1%' holds");
  });
});
