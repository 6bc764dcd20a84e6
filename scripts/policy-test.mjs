#!/usr/bin/env node
// Runs the policy unit tests (see @tfo/plugin-opa runPolicyTests): normalises every
// policies/<svc>/testdata/<case>.plan.json, loads it as data.testdata.<svc>.<case>, runs opa test.
//   node scripts/policy-test.mjs [--coverage] [--threshold 90] [--verbose] [policies dir]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--threshold');
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--threshold');
const { runPolicyTests } = await import('@tfo/plugin-opa');
const result = await runPolicyTests({
  dirs: dirs.length ? dirs.map((d) => path.resolve(d)) : [path.join(repo, 'packages/plugin-opa/policies')],
  coverage: args.includes('--coverage'),
  threshold: at >= 0 ? Number(args[at + 1]) : 90,
  verbose: args.includes('--verbose'),
  cwd: repo,
});
process.stdout.write(`${result.output}\n`);
if (result.coverage) {
  for (const f of result.coverage.files) {
    if (args.includes('--verbose') || f.percent < 90)
      process.stderr.write(`  ${path.relative(repo, f.file)}: ${f.percent.toFixed(1)}%\n`);
  }
  process.stderr.write(`coverage ${result.coverage.percent.toFixed(1)}%\n`);
}
process.stderr.write(`policy tests: ${result.fixtures} normalised plan fixtures, exit ${result.exitCode}\n`);
process.exit(result.exitCode);
