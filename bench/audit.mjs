#!/usr/bin/env node
// Audit write latency per sink (BENCHMARKS.md, issue 5): 200 records of realistic size (each with
// 20 KB of terraform output), one at a time, to each sink alone:
//   file      append-only JSONL chained by SHA-256 (local disk)
//   s3        one write-once object per record (If-None-Match, SSE) on a moto server on 127.0.0.1
//   dynamodb  one index item per record (conditional put) on the same moto server
// moto is a Python emulator: its latencies show tfo's own cost plus a local round trip, not AWS's.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dynamodbSink, fileSink, s3Sink, toAuditRecord, verifyChain } from '@tfo/plugin-audit';
import { startMoto } from '../scripts/lib/moto.mjs';
import { createAuditTable } from '../scripts/lib/state-bucket.mjs';

const RECORDS = 200;
const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const output = 'terraform_data.bucket["a"]: Creating...\n'.repeat(500);

function entry(i) {
  return toAuditRecord({
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
}

async function measure(sink) {
  const times = [];
  // a few writes first: connections, credentials and (for S3) the Object Lock question
  for (let i = 0; i < 5; i++) await sink.write(entry(RECORDS + i));
  for (let i = 0; i < RECORDS; i++) {
    const e = entry(i);
    const t = performance.now();
    await sink.write(e);
    times.push(performance.now() - t);
  }
  return `write p50 ${p(times, 0.5).toFixed(2)} ms, p99 ${p(times, 0.99).toFixed(2)} ms`;
}

const kb = (output.length / 1024).toFixed(0);
const dir = await mkdtemp(path.join(tmpdir(), 'tfo-audit-bench-'));
const file = fileSink({ dir });
file.open?.({ stateDir: dir, cwd: dir });
const fileLine = await measure(file);
const v = performance.now();
const verified = await verifyChain(dir);
const verifyMs = performance.now() - v;
process.stdout.write(
  `audit file sink: ${fileLine} (${RECORDS} records of ~${kb} KB output); verify of the chain ${verifyMs.toFixed(0)} ms (${verified.ok ? 'intact' : 'BROKEN'})\n`,
);

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const moto = await startMoto();
try {
  const target = { region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true };
  const s3 = new S3Client({ ...target, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-audit' }));
  s3.destroy();
  const db = new DynamoDBClient({ ...target, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await createAuditTable(db, 'bench-audit');
  db.destroy();
  const s3sink = s3Sink({ ...target, bucket: 'bench-audit' });
  process.stdout.write(`audit s3 sink (moto): ${await measure(s3sink)} (${RECORDS} objects, AES256, If-None-Match)\n`);
  s3sink.close();
  const dbsink = dynamodbSink({ ...target, table: 'bench-audit' });
  process.stdout.write(`audit dynamodb sink (moto): ${await measure(dbsink)} (${RECORDS} index items)\n`);
  dbsink.close();
} finally {
  await moto.stop();
}
