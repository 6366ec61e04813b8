import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest';

describe('did you mean', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('taget', 'target')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the nearest flag for a typo, and nothing for an unrelated word', () => {
    const flags = ['target', 'port', 'proxy-port', 'otlp-port', 'token'];
    expect(closest('taget', flags)).toBe('target');
    expect(closest('otlp-prot', flags)).toBe('otlp-port');
    expect(closest('proxyport', flags)).toBe('proxy-port');
    expect(closest('frobnicate', flags)).toBeUndefined();
    // Short words allow one edit only: "pot" is "port", "xy" is nothing.
    expect(closest('pot', flags)).toBe('port');
    expect(closest('xy', flags)).toBeUndefined();
  });
});
