#!/usr/bin/env node
// Audit write latency per sink (BENCHMARKS.md, issue 5): the file sink (append-only JSONL, chained
// by SHA-256), 200 records of realistic size (each with 20 KB of terraform output), one at a time.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileSink, toAuditRecord, verifyChain } from '@tfo/plugin-audit';

const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const dir = await mkdtemp(path.join(tmpdir(), 'tfo-audit-bench-'));
const sink = fileSink({ dir });
sink.open?.({ stateDir: dir, cwd: dir });
const output = 'terraform_data.bucket["a"]: Creating...\n'.repeat(500);
const times = [];
for (let i = 0; i < 200; i++) {
  const entry = toAuditRecord({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    timestamp: new Date().toISOString(),
    action: 'apply',
    runId: 'bench',
    deployment: {
      key: `s3/acme-dev/us-east-1/p${i}/terraform.tfstate`,
      account: 'acme-dev',
      accountId: '111111111111',
      region: 'us-east-1',
      project: `p${i}`,
      services: ['s3'],
      file: `deployments/p${i}.tfvars`,
      sha256: 'a'.repeat(64),
    },
    actor: 'bench',
    outcome: 'applied',
    findings: [],
    timings: [{ stage: 'apply', startedAt: 0, endedAt: 1, ok: true }],
    output,
  });
  const t = performance.now();
  await sink.write(entry);
  times.push(performance.now() - t);
}
const v = performance.now();
const verified = await verifyChain(dir);
const verifyMs = performance.now() - v;
process.stdout.write(
  `audit file sink: write p50 ${p(times, 0.5).toFixed(2)} ms, p99 ${p(times, 0.99).toFixed(2)} ms (200 records of ~${(output.length / 1024).toFixed(0)} KB output); ` +
    `verify of the chain ${verifyMs.toFixed(0)} ms (${verified.ok ? 'intact' : 'BROKEN'})\n`,
);
