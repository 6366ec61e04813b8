import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TYPES } from '@hopscope/shared';
import { PROXY_FAILURES } from '@hopscope/proxy';
import { HUB_ERRORS } from '@hopscope/server';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const proxyDoc = read('docs/proxy.md');
const apiDoc = read('docs/api.md');
const reliabilityDoc = read('docs/reliability.md');
const rulesDoc = read('docs/proxy-rules.md');

/** The rows of the Markdown tables whose first cell is a `HOPSCOPE_…` code, keyed by code, as trimmed cells. */
function codeRows(markdown: string, prefix: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of markdown.split('\n')) {
    const match = new RegExp(`^\\| \`(${prefix}[A-Z_]+)\` \\|`).exec(line);
    if (!match) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    rows.set(match[1]!, cells);
  }
  return rows;
}

/** Codes written as string literals in a package's source (not its tests), for codes that live outside a catalogue object. */
function codesInSource(dir: string, prefix: string): Set<string> {
  const codes = new Set<string>();
  const files = readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  for (const file of files) {
    for (const match of read(`${dir}/${file}`).matchAll(new RegExp(`['"\`](${prefix}[A-Z_]+)['"\`]`, 'g'))) codes.add(match[1]!);
  }
  return codes;
}

describe('docs/proxy.md documents every proxy failure', () => {
  const rows = codeRows(proxyDoc, 'HOPSCOPE_PROXY_');

  it('every code in the catalogue has a row with its status and error.type', () => {
    for (const [code, failure] of Object.entries(PROXY_FAILURES)) {
      const row = rows.get(code);
      expect(row, `${code} is missing from the table in docs/proxy.md`).toBeDefined();
      // Every status, 5xx and 499 included; a failure without a status of its own (the app's answer is passed on) reads "—".
      expect(row![1], `status of ${code}`).toBe(failure.status > 0 ? String(failure.status) : '—');
      expect(row![3], `error.type of ${code}`).toBe(`\`${failure.errorType}\``);
    }
  });

  it('the table has no row for a code the proxy does not have', () => {
    for (const code of rows.keys()) expect(Object.keys(PROXY_FAILURES), code).toContain(code);
  });
});

describe('docs/api.md documents every error of the hub', () => {
  const rows = codeRows(apiDoc, 'HOPSCOPE_HUB_');

  it('every code in the catalogue has a row with its status', () => {
    for (const [code, error] of Object.entries(HUB_ERRORS)) {
      const row = rows.get(code);
      expect(row, `${code} is missing from the table in docs/api.md`).toBeDefined();
      expect(row![1], `status of ${code}`).toBe(String(error.status));
    }
  });

  it('codes the hub sends outside the catalogue are documented too, and no row is stale', () => {
    const sent = codesInSource('server/src', 'HOPSCOPE_HUB_');
    for (const code of sent) expect([...rows.keys()], `${code} (sent by server/src) is missing from docs/api.md`).toContain(code);
    for (const code of rows.keys()) expect([...sent, ...Object.keys(HUB_ERRORS)], code).toContain(code);
  });
});

describe('docs/reliability.md documents every error of the CLI', () => {
  // The CLI's catalogue is a union type (cli/src/errors.ts), not a value a test can import: read its codes from the source.
  const catalogue = codesInSource('cli/src', 'HOPSCOPE_CLI_');
  const rows = codeRows(reliabilityDoc, 'HOPSCOPE_CLI_');

  it('every code has a row, and no row is stale', () => {
    expect(catalogue.size).toBeGreaterThan(0);
    for (const code of catalogue) expect([...rows.keys()], `${code} is missing from docs/reliability.md`).toContain(code);
    for (const code of rows.keys()) expect([...catalogue], code).toContain(code);
  });
});

describe('docs/proxy-rules.md', () => {
  it('explains every error.type of the vocabulary, and the proxy table uses only those', () => {
    for (const type of ERROR_TYPES) expect(rulesDoc, type).toMatch(new RegExp(`^\\| \`${type}\` \\|`, 'm'));
    for (const row of codeRows(proxyDoc, 'HOPSCOPE_PROXY_').values()) {
      expect(ERROR_TYPES as readonly string[]).toContain(row[3]!.replaceAll('`', ''));
    }
  });

  it('defines R1–R14, and every rule a comment cites resolves to it', () => {
    for (let n = 1; n <= 14; n++) expect(rulesDoc, `R${n}`).toContain(`**R${n} —`);
    const cited = new Set<string>();
    for (const dir of ['proxy/src', 'server/src', 'shared/src', 'cli/src', 'demo/src', 'ui/src', 'test']) {
      const files = readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
      for (const file of files) for (const match of read(`${dir}/${file}`).matchAll(/\bR\d{1,2}\b/g)) cited.add(match[0]);
    }
    expect(cited.size).toBeGreaterThan(0);
    for (const rule of cited) expect(rulesDoc, `${rule} is cited in a comment`).toContain(`**${rule} —`);
  });
});
