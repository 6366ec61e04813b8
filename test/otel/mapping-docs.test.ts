import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOP_RULES, type HopRule } from '../../server/src/pipeline/semconv-hops';

/** docs/otel.md's mapping table is the mapping users read: it must be the one the hub applies, row for row. */
const DOC = readFileSync(new URL('../../docs/otel.md', import.meta.url), 'utf8');

const KIND = { server: 'SERVER', internal: 'INTERNAL', client: 'CLIENT', producer: 'PRODUCER', consumer: 'CONSUMER' } as const;
const code = (text: string) => `\`${text}\``;

function rowOf(rule: HopRule): string[] {
  const span = [
    rule.kind ? KIND[rule.kind] : '',
    rule.attribute ? `${code(rule.attribute.key)} = ${rule.attribute.values.map(code).join(' or ')}` : '',
  ].filter(Boolean);
  return [rule.framework, rule.scopes.map(code).join('<br>'), span.join(', '), rule.role];
}

function documentedRows(): string[][] {
  const start = DOC.indexOf('<!-- mapping-table:start -->');
  const end = DOC.indexOf('<!-- mapping-table:end -->');
  expect(start, 'docs/otel.md marks its mapping table').toBeGreaterThan(-1);
  const lines = DOC.slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|'));
  // The header and its separator.
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim()),
  );
}

describe('docs/otel.md', () => {
  it('shows the mapping table the hub applies, row for row and in order', () => {
    expect(documentedRows()).toEqual(HOP_RULES.map(rowOf));
  });

  it('names every instrumentation scope the mapping knows', () => {
    for (const scope of new Set(HOP_RULES.flatMap((rule) => rule.scopes))) expect(DOC).toContain(code(scope));
  });

  it('names the environment variables a user sets and the tests that ran each stack', () => {
    for (const text of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_PROTOCOL'])
      expect(DOC).toContain(text);
    for (const test of [
      'express-node-sdk.test.ts',
      'flask-otel-python.test.ts',
      'asgi-django-otel-python.test.ts',
      'python-fixtures.test.ts',
    ])
      expect(DOC).toContain(`test/otel/${test}`);
  });
});
