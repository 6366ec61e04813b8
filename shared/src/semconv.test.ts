import { describe, expect, it } from 'vitest';
import * as semconv from './semconv';

const attributeKeys = Object.entries(semconv).filter(([name]) => name.startsWith('ATTR_')) as [string, string][];

describe('semconv', () => {
  it('declares each attribute key once', () => {
    const values = attributeKeys.map(([, value]) => value);
    expect(new Set(values).size).toBe(values.length);
  });

  it('keeps our own keys under hopscope.* and only there', () => {
    for (const [name, value] of attributeKeys) {
      expect(value.startsWith('hopscope.'), `${name} = ${value}`).toBe(name.startsWith('ATTR_HOPSCOPE_'));
      expect(value, name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
    }
  });
});
