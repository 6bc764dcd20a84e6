import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { opaBinary } from './compile.js';
import { normalisePlan } from './normalize.js';
import { isMissingBinary, opaMissing } from './opa-install.js';

export interface PolicyTestOptions {
  dirs: string[];
  coverage?: boolean | undefined;
  /** Coverage percent below which the run fails (default 90). */
  threshold?: number | undefined;
  verbose?: boolean | undefined;
  cwd: string;
}

export interface PolicyTestResult {
  exitCode: number;
  /** opa's own report (pass/fail lines). */
  output: string;
  fixtures: number;
  coverage?: { percent: number; files: Array<{ file: string; percent: number }> } | undefined;
}

/**
 * Runs the policy unit tests: every `<dir>/<svc>/testdata/<case>.plan.json` (a real
 * `terraform show -json`) is normalised exactly as before evaluation and loaded as
 * `data.testdata.<svc>.<case>`; then `opa test` runs over the folders.
 */
export async function runPolicyTests(options: PolicyTestOptions): Promise<PolicyTestResult> {
  const data = await mkdtemp(path.join(tmpdir(), 'tfo-policy-data-'));
  try {
    let fixtures = 0;
    for (const root of options.dirs) {
      for (const svc of await readdir(root, { withFileTypes: true })) {
        const dir = path.join(root, svc.name, 'testdata');
        if (!svc.isDirectory() || !existsSync(dir)) continue;
        for (const name of (await readdir(dir)).filter((n) => n.endsWith('.plan.json'))) {
          const plan = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
          const key = name.replace(/\.plan\.json$/, '').replace(/-/g, '_');
          const out = path.join(data, 'testdata', svc.name.replace(/-/g, '_'), key);
          await mkdir(out, { recursive: true });
          await writeFile(path.join(out, 'data.json'), JSON.stringify(normalisePlan(plan, path.join(dir, name))));
          fixtures += 1;
        }
      }
    }
    const opa = opaBinary(options.cwd);
    const flags = ['test', '--ignore', '*.plan.json', ...(options.verbose ? ['-v'] : [])];
    const plain = await execa(opa, [...flags, ...options.dirs, data], { reject: false, all: true });
    if (isMissingBinary(plain)) throw opaMissing(opa, 'run the policy unit tests (opa test)');
    const result: PolicyTestResult = { exitCode: plain.exitCode ?? 1, output: plain.all ?? '', fixtures };
    if (!options.coverage) return result;

    const cov = await execa(opa, [...flags, '--coverage', '--format', 'json', ...options.dirs, data], {
      reject: false,
    });
    const report = JSON.parse(cov.stdout || '{}') as {
      files?: Record<string, { covered?: Range[]; not_covered?: Range[] }>;
    };
    const rows = (r: Range[] | undefined): number => (r ?? []).reduce((s, x) => s + x.end.row - x.start.row + 1, 0);
    let covered = 0;
    let missed = 0;
    const files: Array<{ file: string; percent: number }> = [];
    for (const [file, f] of Object.entries(report.files ?? {})) {
      if (file.endsWith('_test.rego')) continue;
      const c = rows(f.covered);
      const n = rows(f.not_covered);
      covered += c;
      missed += n;
      files.push({ file, percent: (100 * c) / Math.max(1, c + n) });
    }
    const percent = (100 * covered) / Math.max(1, covered + missed);
    result.coverage = { percent, files: files.sort((a, b) => a.file.localeCompare(b.file)) };
    if (result.exitCode === 0 && percent < (options.threshold ?? 90)) result.exitCode = 2;
    return result;
  } finally {
    await rm(data, { recursive: true, force: true });
  }
}

interface Range {
  start: { row: number };
  end: { row: number };
}
