#!/usr/bin/env node
// `npm run demo:aws`: tfo apply on examples/aws with the real hashicorp/aws provider against a
// moto server on 127.0.0.1 that this script starts and stops. Each account's deployments run
// through that account's role (moto keeps an assumed role's resources in the role's account).
// moto keeps nothing between runs, so the example's local state is started afresh each time.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startMoto } from './lib/moto.mjs';

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
const moto = await startMoto();
process.stderr.write(`demo:aws: moto on ${moto.endpoint}\n`);
let code = 1;
try {
  const run = await execa('node', [bin, 'apply', ...process.argv.slice(2)], {
    cwd: example,
    stdio: 'inherit',
    reject: false,
    env: {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  code = run.exitCode ?? 1;
} finally {
  await moto.stop();
}
process.exit(code);
