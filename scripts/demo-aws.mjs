#!/usr/bin/env node
// `npm run demo:aws`: tfo apply on examples/aws with the real hashicorp/aws provider against a
// moto server on 127.0.0.1 that this script starts and stops. Each account's deployments run
// through that account's role (moto keeps an assumed role's resources in the role's account).
// State is in S3 (moto): moto keeps nothing between runs, so each run starts afresh.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startMoto } from './lib/moto.mjs';
import { createAuditStore, createStateBucket } from './lib/state-bucket.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(repo, 'examples/aws');
const bin = path.join(repo, 'packages/cli/dist/bin.js');

if (!existsSync('/opt/tf-plugins') && !process.env.TFO_PROVIDER_MIRROR) {
  process.stderr.write(
    'demo:aws: no hashicorp/aws provider mirror was found (set TFO_PROVIDER_MIRROR); terraform may try to download it\n',
  );
}
await rm(path.join(example, '.tfo'), { recursive: true, force: true });
// moto attaches AWS managed policies (arn:aws:iam::aws:policy/...) only when it loads them
process.env.MOTO_IAM_LOAD_MANAGED_POLICIES ??= 'true';
// moto accepts any credentials; these are for the local server only
const awsEnv = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
Object.assign(process.env, awsEnv);
const moto = await startMoto();
process.stderr.write(`demo:aws: moto on ${moto.endpoint}\n`);
// the platform team's one-time step: the central state bucket in the state account
await createStateBucket(moto.endpoint, {
  bucket: 'acme-tfo-state',
  roleArn: 'arn:aws:iam::999999999999:role/tfo-state',
});
await createAuditStore(moto.endpoint, {
  bucket: 'acme-tfo-audit',
  table: 'acme-tfo-audit',
  roleArn: 'arn:aws:iam::999999999999:role/tfo-audit-writer',
});
let code = 1;
try {
  const run = await execa('node', [bin, 'apply', ...process.argv.slice(2)], {
    cwd: example,
    stdio: 'inherit',
    reject: false,
    env: { ...awsEnv, AWS_ENDPOINT_URL: moto.endpoint },
  });
  code = run.exitCode ?? 1;
  // as expected: the public site blocked by policy before apply, everything else applied
  const runs = path.join(example, '.tfo/runs');
  const latest = (await readdir(runs)).sort().pop();
  const result = latest ? JSON.parse(await readFile(path.join(runs, latest, 'result.json'), 'utf8')) : undefined;
  const site = result?.deployments.filter((d) => d.file.includes('public-site')) ?? [];
  const others = result?.deployments.filter((d) => !d.file.includes('public-site')) ?? [];
  if (
    code === 2 &&
    site.length === 1 &&
    site[0].status === 'blocked' &&
    others.every((d) => d.status === 'applied' || d.status === 'no-changes')
  ) {
    process.stderr.write(
      `demo:aws: as expected — ${others.length} deployments applied with state in s3://acme-tfo-state (state account 999999999999), ` +
        `resources in three accounts; the public site was blocked by policy before apply.\n`,
    );
    code = 0;
  }
} finally {
  await moto.stop();
}
process.exit(code);
