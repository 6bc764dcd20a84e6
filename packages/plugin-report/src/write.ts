import { writeFileAtomic } from '@tfo/engine';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { prepareReport, type PrepareOptions, type Redactor, type ReportRun } from './prepare.js';

export interface ReportFiles {
  html?: string | undefined;
  junit?: string | undefined;
}

export interface ReportOutcome {
  written: string[];
  /** Files that could not be written, with why; the others are written all the same. */
  failed: Array<{ file: string; error: Error }>;
}

/**
 * Writes the HTML report and/or the JUnit XML of a run from its redacted view; only the logs,
 * read here, are redacted (with `redact`).
 */
export async function writeReports(
  run: ReportRun,
  redact: Redactor,
  files: ReportFiles,
  options: PrepareOptions = {},
): Promise<ReportOutcome> {
  const outcome: ReportOutcome = { written: [], failed: [] };
  const targets = [
    [files.html, renderHtml],
    [files.junit, renderJunit],
  ] as const;
  if (!targets.some(([file]) => file)) return outcome;
  const data = await prepareReport(run, redact, options);
  for (const [file, render] of targets) {
    if (!file) continue;
    try {
      await writeFileAtomic(file, render(data));
      outcome.written.push(file);
    } catch (err) {
      outcome.failed.push({ file, error: err as Error });
    }
  }
  return outcome;
}
