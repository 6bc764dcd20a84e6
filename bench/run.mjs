#!/usr/bin/env node
// `npm run bench`: measures what BENCHMARKS.md reports, on this machine, with real terraform.
//   1. parallel speedup: 20 deployments whose apply sleeps 2 s, --max-workers 1 vs 5, one run each
//   2. orchestration overhead per deployment: tfo wall time minus terraform process time
//   3. discovery of 5,000 generated tfvars files
// Usage: node bench/run.mjs [parallel|overhead|discovery ...]   (default: all)
import { cpus } from 'node:os';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { resolveTerraformBinary } from '@tfo/engine/testing';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'packages/cli/dist/bin.js');
const slowModule = path.join(repo, 'packages/cli/test/fixtures/slow-module');
const accounts = {
  dev: { name: 'acme-dev', id: '111111111111' },
  stage: { name: 'acme-stage', id: '222222222222' },
  prod: { name: 'acme-prod', id: '333333333333' },
};
const keys = Object.keys(accounts);
const which = new Set(process.argv.slice(2));
const want = (name) => which.size === 0 || which.has(name);

async function repoWith(count, sleepSeconds) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-bench-'));
  for (let i = 0; i < count; i++) {
    const account = keys[i % keys.length];
    const project = `svc-${String(i).padStart(5, '0')}`;
    const file = path.join(dir, 'deployments', account, project, `${project}.tfvars`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      `account_key = "${account}"\nregion_code = "${i % 2 ? 'euw1' : 'use1'}"\ns3_buckets = {\n  data = { sleep_seconds = ${sleepSeconds}, note = "bench ${i}" }\n}\n`,
    );
  }
  await writeFile(
    path.join(dir, 'orchestrator.config.json'),
    JSON.stringify({ deploymentsDir: 'deployments', rootModule: slowModule, accounts }, null, 2),
  );
  return dir;
}

async function tfoApply(dir, workers) {
  const started = process.hrtime.bigint();
  const out = await execa('node', [bin, 'apply', '--max-workers', String(workers), '--json'], {
    cwd: dir,
    reject: false,
    env: { CI: 'true' },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (out.exitCode !== 0) throw new Error(`tfo apply exited ${out.exitCode}:\n${out.stderr}`);
  return { wallMs, result: JSON.parse(out.stdout) };
}

const report = [];
const line = (s) => {
  report.push(s);
  process.stdout.write(`${s}\n`);
};
line(
  `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${(await execa(resolveTerraformBinary('auto', repo), ['version'])).stdout.split('\n')[0]}`,
);

if (want('parallel')) {
  const n = 20;
  const one = await tfoApply(await repoWith(n, 2), 1);
  const five = await tfoApply(await repoWith(n, 2), 5);
  line(`parallel: ${n} deployments, apply sleeps 2 s each`);
  line(`  --max-workers 1: ${(one.wallMs / 1000).toFixed(1)} s`);
  line(`  --max-workers 5: ${(five.wallMs / 1000).toFixed(1)} s`);
  line(`  speedup: ${(one.wallMs / five.wallMs).toFixed(2)}x (target >= 4x)`);
}

if (want('overhead')) {
  const n = 20;
  const { result, wallMs } = await tfoApply(await repoWith(n, 0), 1);
  const terraformMs = result.deployments.reduce((s, d) => s + d.terraformMs, 0);
  const per = result.deployments.map((d) => d.durationMs - d.terraformMs).sort((a, b) => a - b);
  const mean = per.reduce((s, x) => s + x, 0) / per.length;
  const p50 = per[Math.floor(per.length / 2)];
  const max = per[per.length - 1];
  line(`overhead: tfo time per deployment minus terraform process time, ${n} deployments, 1 worker`);
  line(`  mean ${mean.toFixed(0)} ms, p50 ${p50} ms, max ${max} ms (target <= 150 ms)`);
  line(
    `  whole command incl. node start, config, discovery, report: (wall ${(wallMs / 1000).toFixed(1)} s - terraform ${(terraformMs / 1000).toFixed(1)} s) / ${n} = ${((wallMs - terraformMs) / n).toFixed(0)} ms`,
  );
}

if (want('discovery')) {
  const n = 5000;
  const dir = await repoWith(n, 0);
  const { createEngine, listDeployments, loadConfig } = await import('@tfo/engine');
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const loaded = await loadConfig({ cwd: dir });
    const engine = createEngine({ config: loaded.config, cwd: loaded.dir });
    const t = process.hrtime.bigint();
    const { deployments } = await listDeployments(engine, {});
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (deployments.length !== n) throw new Error(`found ${deployments.length} of ${n}`);
    await engine.close();
  }
  const cold = await execa('node', [bin, 'list', '--json'], { cwd: dir, reject: false });
  const started = process.hrtime.bigint();
  await execa('node', [bin, 'list', '--json'], { cwd: dir });
  const cliMs = Number(process.hrtime.bigint() - started) / 1e6;
  line(`discovery: ${n} tfvars files (parse, shard, key check)`);
  line(`  in process: ${runs.map((r) => `${r.toFixed(0)} ms`).join(', ')} (target <= 3 s)`);
  line(`  whole \`tfo list --json\` command: ${cliMs.toFixed(0)} ms (exit ${cold.exitCode})`);
  await rm(dir, { recursive: true, force: true });
}
