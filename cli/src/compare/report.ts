import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CompareSpec, Comparison, HistogramBucket, TargetResult } from '@hopscope/shared';
import { badOption, CliError } from '../errors';
import { formatMarkdown } from './format';
import { htmlReport } from './report-html';

/** What `compare` reports, from a hub run or a direct one; `--out` writes it to a file. */
export interface CompareReport {
  spec?: CompareSpec;
  results: Array<Omit<TargetResult, 'samples'> & { histogram?: HistogramBucket[] }>;
  comparisons: Comparison[];
  warnings: string[];
  /** `--fail-if` expressions and, for each, the targets for which it held (the run fails if any did). */
  thresholds?: Array<{ text: string; crossed: string[] }>;
}

export type OutFormat = 'json' | 'markdown' | 'html';

const BY_EXTENSION: Record<string, OutFormat> = { '.json': 'json', '.md': 'markdown', '.html': 'html', '.htm': 'html' };

/** `--out FILE`: the format follows the extension, checked before the run so a typo costs no load run. */
export function outFormat(file: string): OutFormat {
  const format = BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw badOption(`--out takes a .json, .md or .html file, not "${file}"`);
  return format;
}

export async function writeReport(file: string, report: CompareReport): Promise<void> {
  const safe = withoutCredentials(report);
  const format = outFormat(file);
  const text =
    format === 'json'
      ? `${JSON.stringify(safe, null, 2)}\n`
      : format === 'markdown'
        ? `${markdownThresholds(safe)}${formatMarkdown(safe)}\n`
        : htmlReport(safe, new Date());
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new CliError('HOPSCOPE_CLI_BAD_OPTION', `--out: cannot write ${file} (${(error as Error).message})`, { cause: error });
  }
}

/** Reports are CI artifacts others read: `-H Authorization: …` and the like keep their names, not their values. */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token|api-key)$/i;

function withoutCredentials(report: CompareReport): CompareReport {
  if (!report.spec) return report;
  const headers = Object.fromEntries(
    Object.entries(report.spec.headers).map(([name, value]) => [name, CREDENTIAL_HEADERS.test(name) ? '[redacted]' : value]),
  );
  return { ...report, spec: { ...report.spec, headers } };
}

function markdownThresholds(report: CompareReport): string {
  if (!report.thresholds?.length) return '';
  const lines = report.thresholds.map((t) =>
    t.crossed.length === 0 ? `- passed: \`--fail-if ${t.text}\`` : t.crossed.map((c) => `- **failed**: ${c}`).join('\n'),
  );
  return `${lines.join('\n')}\n\n`;
}
