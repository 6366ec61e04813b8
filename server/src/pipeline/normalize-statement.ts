/**
 * A database statement with its literals replaced by `?`, so that it can be
 * stored and shown (literals are data: emails, tokens, ids) and so that the
 * same query run with different values reads as the same statement (the N+1
 * finding counts them). The idea is OpenTelemetry's own guidance for
 * `db.query.text` ("sanitized": literals replaced by placeholders) and what
 * APMs call statement obfuscation. Idempotent: a normalised statement
 * normalises to itself.
 */

/** Systems whose "statement" is a command and its arguments (the key, the value), not SQL. */
const COMMAND_SYSTEMS: ReadonlySet<string> = new Set(['redis', 'valkey', 'memcached']);

/** Longest statement kept; longer ones are cut (after normalising, so no literal is cut in half and kept). */
export const MAX_STATEMENT_CHARS = 2_000;

const SQL_TOKENS = new RegExp(
  [
    String.raw`--[^\n]*`, // line comment (may hold anything, sqlcommenter's key='value' pairs too)
    String.raw`/\*[\s\S]*?(?:\*/|$)`, // block comment
    String.raw`\$([A-Za-z_]\w*)?\$[\s\S]*?(?:\$\1\$|$)`, // PostgreSQL dollar-quoted string
    String.raw`[EeXxBbNn]?'(?:[^'\\]|''|\\[\s\S])*(?:'|$)`, // string literal (E'', X'', N''), escapes both ways
    String.raw`"(?:[^"]|"")*(?:"|$)`, // quoted identifier: kept
    String.raw`\x60[^\x60]*(?:\x60|$)`, // MySQL back-quoted identifier: kept
    String.raw`[A-Za-z_$][\w$]*`, // word (keyword, identifier, $1 placeholder): kept
    String.raw`0[xX][0-9a-fA-F]+`, // hex number
    String.raw`(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`, // number
  ].join('|'),
  'g',
);

export function normalizeStatement(text: string, system?: string): string {
  if (system !== undefined && COMMAND_SYSTEMS.has(system.toLowerCase())) return normalizeCommand(text);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return cut(normalizeJson(trimmed));
  return cut(normalizeSql(text));
}

function normalizeSql(text: string): string {
  const replaced = text.replace(SQL_TOKENS, (token) => {
    const first = token[0]!;
    if (token.startsWith('--') || token.startsWith('/*')) return ' ';
    if (first === '"' || first === '\x60') return token;
    if (first === "'" || (token.length > 1 && token[1] === "'") || (first === '$' && /^\$\w*\$/.test(token))) return '?';
    if (/^[A-Za-z_$]/.test(token)) return token;
    return '?';
  });
  return collapseLists(replaced.replace(/\s+/g, ' ').trim());
}

/** A literal already replaced, or a driver's placeholder (`?`, `%s`, `$1`, `:name`, `@p1`). */
const PLACEHOLDER = String.raw`(?:\?|%s|\$\d+|:\w+|@\w+)`;

/** `IN (?, ?, ?)` → `IN (?)`, `VALUES (?, ?), (?, ?)` → `VALUES (?, ?)`: a list's length is data too. */
function collapseLists(sql: string): string {
  return sql
    .replace(/(?<=[(,=<>]\s*)-\s*\?/g, '?') // a negative number is one literal
    .replace(new RegExp(String.raw`\b(IN)\s*\(\s*${PLACEHOLDER}(?:\s*,\s*${PLACEHOLDER})*\s*\)`, 'gi'), '$1 (?)')
    .replace(/(\(\s*\?(?:\s*,\s*\?)*\s*\))(?:\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\))+/g, '$1');
}

/** `SET session:abc 42` → `SET ?`: the command says what it did, its arguments are keys and values. */
function normalizeCommand(text: string): string {
  const words = text.trim().split(/\s+/);
  const command = words[0] ?? '';
  if (command === '') return '';
  return words.length > 1 ? `${command} ?` : command;
}

/** A MongoDB or Elasticsearch statement (JSON): values → `?`, keys kept. */
function normalizeJson(text: string): string {
  return text
    .replace(/"(?:[^"\\]|\\.)*"(\s*:)?/g, (m, colon: string | undefined) => (colon ? m : '?'))
    .replace(/(?<![\w$"])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string): string {
  return text.length > MAX_STATEMENT_CHARS ? `${text.slice(0, MAX_STATEMENT_CHARS)}…` : text;
}
