import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PARTIAL_ENV, STARTED_AT_ENV, WORKSPACE_ROOT } from './global-setup';
import { renderReport } from './render';
import { REPORT_DIR_ENV, type ReportLine } from './report';

const SPEC_DIR = join(__dirname, '..');
export const REPORT_FILE = join(WORKSPACE_ROOT, 'docs', 'security.md');

/**
 * Writes docs/security.md from the results every spec file appended. A run of only some files
 * (jest -t, a path filter) writes its partial report to the temp folder instead.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[REPORT_DIR_ENV];
  if (!dir) return;
  const lines: ReportLine[] = readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReportLine);
  const specs = readdirSync(SPEC_DIR)
    .filter((file) => file.endsWith('.spec.ts'))
    .map((file) => file.replace(/\.spec\.ts$/, ''));
  const finished = new Set(lines.filter((l) => l.kind === 'file').map((l) => l.spec));
  const filter = process.env[PARTIAL_ENV];
  const missing = [
    ...specs.filter((spec) => !finished.has(spec)),
    ...(filter ? [`tests outside -t ${filter}`] : []),
  ];
  const markdown = renderReport(lines, {
    commit: gitCommit(),
    durationMs: Date.now() - Number(process.env[STARTED_AT_ENV] ?? Date.now()),
    missing,
  });
  const target = missing.length === 0 ? REPORT_FILE : join(tmpdir(), 'security-e2e-partial.md');
  // Formatted as `prettier --check .` (the lint step) expects the committed file to be.
  const options = (await resolveConfig(REPORT_FILE)) ?? {};
  writeFileSync(target, await format(markdown, { ...options, parser: 'markdown' }));
  rmSync(dir, { recursive: true, force: true });
  console.log(
    missing.length === 0
      ? `\nsecurity-e2e: wrote ${target}`
      : `\nsecurity-e2e: ${missing.join(', ')} did not run to the end; partial report in ${target}`,
  );
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: WORKSPACE_ROOT })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps/api', 'libs'], {
      cwd: WORKSPACE_ROOT,
    })
      .toString()
      .trim();
    return dirty ? `${head} (with uncommitted API changes)` : head;
  } catch {
    return 'unknown';
  }
}
