#!/usr/bin/env node
// S3 state backup and restore times against a local moto server (BENCHMARKS.md, issue 4).
// A 200 KB terraform-shaped state under one key; backup = read current + record (version id on a
// versioned bucket, or a server-side copy) + sidecar; restore = read backup + put as new version.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ClientCache } from '@tfo/aws';
import { S3StateStore, s3BackupOptionsSchema } from '@tfo/plugin-s3-backup';
import { startMoto } from '../scripts/lib/moto.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const moto = await startMoto();
try {
  const raw = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true });
  const accounts = [{ key: 'dev', name: 'acme-dev', id: '111111111111', allowedRegions: [] }];
  const key = 's3/acme-dev/us-east-1/bench/terraform.tfstate';
  const state = (serial) =>
    JSON.stringify({
      version: 4,
      terraform_version: '1.11.4',
      serial,
      lineage: 'bench-lineage',
      outputs: {},
      resources: Array.from({ length: 400 }, (_, i) => ({
        mode: 'managed',
        type: 'terraform_data',
        name: 'r',
        provider: 'provider["terraform.io/builtin/terraform"]',
        instances: [
          { index_key: `k${i}`, attributes: { id: randomUUID(), input: { value: { pad: 'x'.repeat(400) } } } },
        ],
      })),
    });
  for (const versioned of [true, false]) {
    const bucket = `bench-${versioned ? 'versioned' : 'plain'}`;
    await raw.send(new CreateBucketCommand({ Bucket: bucket }));
    if (versioned)
      await raw.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    const options = s3BackupOptionsSchema.parse({
      bucket,
      region: 'us-east-1',
      endpoints: { s3: moto.endpoint },
      usePathStyle: true,
      keepLast: 1000,
    });
    const store = new S3StateStore(options, accounts, new ClientCache(options));
    const backups = [];
    const restores = [];
    for (let i = 1; i <= 20; i++) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: state(i) }));
      const t = performance.now();
      const { record } = await store.backup(key, 'bench');
      backups.push(performance.now() - t);
      if (i % 2 === 0) {
        const r = performance.now();
        await store.restoreBytes(record);
        restores.push(performance.now() - r);
      }
    }
    process.stdout.write(
      `${versioned ? 'versioned bucket (version id recorded)' : 'unversioned bucket (server-side copy)'}: ` +
        `backup p50 ${p(backups, 0.5).toFixed(0)} ms, max ${Math.max(...backups).toFixed(0)} ms (20 runs, target <= 300 ms); ` +
        `restore p50 ${p(restores, 0.5).toFixed(0)} ms, max ${Math.max(...restores).toFixed(0)} ms (10 runs, target <= 2 s); state ${(state(1).length / 1024).toFixed(0)} KB\n`,
    );
  }
} finally {
  await moto.stop();
}
