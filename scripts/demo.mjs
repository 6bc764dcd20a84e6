#!/usr/bin/env node
// `npm run demo`: tfo apply on examples/offline (composed by orchestrator.config.ts), with real
// terraform and the embedded local backend. One deployment's apply fails on purpose and is
// recovered; the demo succeeds when everything else applied (or had no changes) and that one
// was recovered.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'packages/cli/dist/bin.js');
const args = process.argv.slice(2);

const run = await execa('node', [bin, 'apply', ...args], { cwd: repo, stdio: 'inherit', reject: false });
const latest = (await execa('ls', ['-1t', path.join(repo, '.tfo/runs')], { reject: false })).stdout.split('\n')[0];
if (!latest) process.exit(run.exitCode ?? 1);
const result = JSON.parse(await readFile(path.join(repo, '.tfo/runs', latest, 'result.json'), 'utf8'));
const failedOnPurpose = result.deployments.filter((d) => d.file.includes('orders-api'));
const blockedOnPurpose = result.deployments.filter((d) => d.file.includes('marketing-site'));
const others = result.deployments.filter((d) => !failedOnPurpose.includes(d) && !blockedOnPurpose.includes(d));
const expected =
  failedOnPurpose.every((d) => d.status === 'recovered') &&
  blockedOnPurpose.length === 1 &&
  blockedOnPurpose.every((d) => d.status === 'blocked') &&
  others.every((d) => d.status === 'applied' || d.status === 'no-changes');
if (expected) {
  process.stderr.write(
    `demo: as expected — ${others.length} deployments applied or unchanged; ${failedOnPurpose.length} failed on purpose and was recovered;\n` +
      `      ${blockedOnPurpose.length} was blocked by policy before anything of it was applied.\n` +
      `      state is under .tfo/state/<service>/<account>/<region>/<project>/terraform.tfstate; run \`npm run demo\` again to see no changes.\n`,
  );
  process.exit(0);
}
process.stderr.write(`demo: unexpected outcome (tfo exited ${run.exitCode}); see ${path.join('.tfo/runs', latest)}\n`);
process.exit(run.exitCode || 1);
