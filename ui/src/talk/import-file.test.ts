import { describe, expect, it } from 'vitest';
import { otlpRequestsFromText } from './import-file';

describe('otlpRequestsFromText', () => {
  it('reads one OTLP JSON document, an array, or JSON lines', () => {
    expect(otlpRequestsFromText('{"resourceSpans":[]}')).toEqual([{ resourceSpans: [] }]);
    expect(otlpRequestsFromText('[{"resourceSpans":[]},{"resourceSpans":[]}]')).toHaveLength(2);
    expect(otlpRequestsFromText('{"resourceSpans":[]}\n\n{"resourceSpans":[]}\r\n')).toHaveLength(2);
  });

  it('names the line that is not JSON', () => {
    expect(() => otlpRequestsFromText('{"resourceSpans":[]}\n{oops\n')).toThrow('line 2 is not JSON');
    expect(() => otlpRequestsFromText('  ')).toThrow('empty');
  });
});
