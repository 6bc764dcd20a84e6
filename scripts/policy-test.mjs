#!/usr/bin/env node
// Runs the policy unit tests: normalises every policies/<svc>/testdata/<case>.plan.json (a real
// `terraform show -json`) exactly as @tfo/plugin-opa does before evaluation, loads it as
// data.testdata.<svc>.<case>, then runs `opa test` over policies/.
//   node scripts/policy-test.mjs [--coverage] [--threshold 90] [--verbose] [policies dir]
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const coverage = args.includes('--coverage');
const verbose = args.includes('--verbose');
const thresholdAt = args.indexOf('--threshold');
const threshold = thresholdAt >= 0 ? Number(args[thresholdAt + 1]) : 90;
const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--threshold');
const policies = path.resolve(positional[0] ?? path.join(repo, 'policies'));

const { normalisePlan } = await import('@tfo/plugin-opa');
const opa =
  process.env.TFO_OPA ?? (existsSync(path.join(repo, '.tools/bin/opa')) ? path.join(repo, '.tools/bin/opa') : 'opa');

const data = await mkdtemp(path.join(tmpdir(), 'tfo-policy-data-'));
try {
  let cases = 0;
  for (const svc of await readdir(policies, { withFileTypes: true })) {
    const dir = path.join(policies, svc.name, 'testdata');
    if (!svc.isDirectory() || !existsSync(dir)) continue;
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.plan.json'))) {
      const plan = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
      const key = name.replace(/\.plan\.json$/, '').replace(/-/g, '_');
      const input = normalisePlan(plan, `policies/${svc.name}/testdata/${name}`);
      const out = path.join(data, 'testdata', svc.name.replace(/-/g, '_'), key);
      await mkdir(out, { recursive: true });
      await writeFile(path.join(out, 'data.json'), JSON.stringify(input));
      cases += 1;
    }
  }
  const flags = ['test', '--ignore', '*.plan.json', ...(verbose ? ['-v'] : [])];
  if (!coverage) {
    const run = await execa(opa, [...flags, policies, data], { reject: false, stdio: 'inherit' });
    process.stderr.write(`policy tests: ${cases} normalised plan fixtures\n`);
    process.exit(run.exitCode ?? 1);
  }
  const run = await execa(opa, [...flags, '--coverage', '--format', 'json', policies, data], { reject: false });
  const report = JSON.parse(run.stdout || '{}');
  const files = Object.entries(report.files ?? {}).filter(([f]) => !f.endsWith('_test.rego'));
  let covered = 0;
  let notCovered = 0;
  for (const [file, f] of files) {
    const c = (f.covered ?? []).reduce((s, r) => s + r.end.row - r.start.row + 1, 0);
    const n = (f.not_covered ?? []).reduce((s, r) => s + r.end.row - r.start.row + 1, 0);
    covered += c;
    notCovered += n;
    if (verbose || c + n === 0 || c / (c + n) < threshold / 100) {
      process.stderr.write(`  ${path.relative(repo, file)}: ${((100 * c) / Math.max(1, c + n)).toFixed(1)}%\n`);
    }
  }
  const percent = (100 * covered) / Math.max(1, covered + notCovered);
  // opa's own pass/fail line comes from a plain run (coverage output is JSON only)
  const plain = await execa(opa, [...flags, policies, data], { reject: false });
  process.stdout.write(`${plain.stdout}\n`);
  process.stderr.write(
    `policy tests: ${cases} normalised plan fixtures; coverage ${percent.toFixed(1)}% of ${files.length} rule files (threshold ${threshold}%)\n`,
  );
  if (plain.exitCode !== 0) process.exit(plain.exitCode ?? 1);
  if (percent < threshold) process.exit(2);
} finally {
  await rm(data, { recursive: true, force: true });
}
