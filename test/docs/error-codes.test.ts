import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '@hopscope/shared';
import { PROXY_FAILURES } from '@hopscope/proxy';
import { HUB_ERRORS } from '@hopscope/server';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('the README documents every error a user can meet', () => {
  it('every proxy and hub error code, with its status', () => {
    for (const [code, failure] of Object.entries(PROXY_FAILURES)) {
      expect(readme, code).toContain(`\`${code}\``);
      if (failure.status > 0 && failure.status < 499) expect(readme, code).toMatch(new RegExp(`\`${code}\` \\| ${failure.status}`));
    }
    for (const [code, error] of Object.entries(HUB_ERRORS)) {
      expect(readme, code).toMatch(new RegExp(`\`${code}\` \\| ${error.status}`));
    }
  });

  it('every error.type the proxy records', () => {
    const used = new Set<string>(Object.values(PROXY_FAILURES).map((f) => f.errorType));
    for (const type of ERROR_TYPES.filter((t) => used.has(t))) expect(readme, type).toContain(`\`${type}\``);
  });
});
