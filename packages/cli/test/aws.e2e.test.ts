// examples/aws with the real hashicorp/aws provider (from the machine's filesystem mirror)
// against a moto server on 127.0.0.1 that this test starts and stops.
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { createAuditStore, createStateBucket } from '../../../scripts/lib/state-bucket.mjs';
import { byKey, REPO, tempDir, tfo, tfoJson } from './support.js';

let moto: MotoServer;
let dir: string;
let env: Record<string, string>;
let stateBucket: S3Client;
let auditBucket: S3Client;
const BUCKET = 'acme-tfo-state';
const AUDIT = 'acme-tfo-audit';

/** A state object from the central state bucket (through the state account's role). */
async function readState(key: string): Promise<{ serial: number; lineage: string; resources: unknown[] }> {
  const out = await stateBucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as never;
}

async function stateKeys(): Promise<string[]> {
  const out = await stateBucket.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? [])
    .map((o) => o.Key!)
    .filter((k) => k.endsWith('/terraform.tfstate') && !k.startsWith('backups/'));
}

const KEYS_FILE = 'deployments/dev-deployment/KMS/app-keys/app-keys.tfvars';
const KEYS = 'kms/acme-dev/us-east-1/app-keys/terraform.tfstate';
const PUBLIC_SITE = 's3/acme-stage/us-east-1/public-site/terraform.tfstate';

/** The `arn` attribute of every resource instance in a state (what the resource itself is). */
function arnsOf(state: { resources: unknown[] }): string[] {
  const out: string[] = [];
  for (const r of state.resources as Array<{ mode: string; instances: Array<{ attributes: { arn?: unknown } }> }>) {
    if (r.mode !== 'managed') continue;
    for (const i of r.instances) if (typeof i.attributes.arn === 'string') out.push(i.attributes.arn);
  }
  return out;
}

beforeAll(async () => {
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  moto = await startMoto();
  dir = await tempDir('tfo-aws-');
  await cp(path.join(REPO, 'examples/aws'), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.tfo`) && !src.includes(`${path.sep}.terraform${path.sep}`),
  });
  // the example's TypeScript config imports @tfo/engine: resolve it from this repository
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
  stateBucket = await createStateBucket(moto.endpoint, {
    bucket: BUCKET,
    roleArn: 'arn:aws:iam::999999999999:role/tfo-state',
  });
  const store = await createAuditStore(moto.endpoint, {
    bucket: AUDIT,
    table: AUDIT,
    roleArn: 'arn:aws:iam::999999999999:role/tfo-audit-writer',
  });
  auditBucket = store.s3;
  store.db.destroy();
  env = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
});

afterAll(async () => {
  await moto?.stop();
});

describe('tfo apply on examples/aws against moto', () => {
  it('applies every deployment into its own account through its role, then re-applies as a no-op', async () => {
    const first = await tfoJson(['apply'], dir, env);
    expect(first.result.deployments.length).toBeGreaterThanOrEqual(8);
    // the public site is blocked before apply by resource-level rules over the real aws_* plan
    const site = byKey(first.result, PUBLIC_SITE) as unknown as {
      status: string;
      findings: Array<{ ruleId: string; level: string }>;
    };
    expect(site.status).toBe('blocked');
    const denied = site.findings.filter((f) => f.level === 'deny').map((f) => f.ruleId);
    expect(denied).toContain('TFO-S3-005');
    expect(await stateKeys()).not.toContain(PUBLIC_SITE);
    expect(first.code, first.output).toBe(2);
    const applied = first.result.deployments.filter((d) => d.key !== PUBLIC_SITE);
    for (const d of applied) expect(d.status, `${d.key}: ${d.error?.message}`).toBe('applied');

    // resources land in the account of their deployment (moto keeps an assumed role's resources there)
    const ids: Record<string, string> = {
      'acme-dev': '111111111111',
      'acme-stage': '222222222222',
      'acme-prod': '333333333333',
    };
    const seen = new Set<string>();
    for (const d of applied) {
      const account = d.key.split('/')[1]!;
      const arns = arnsOf(await readState(d.key)).filter((a) => /:\d{12}:/.test(a));
      seen.add(arns.length > 0 ? account : '');
      const foreign = arns.filter((a) => !a.includes(`:${ids[account]}:`));
      expect(foreign, d.key).toEqual([]);
    }
    expect([...seen].filter(Boolean).sort()).toEqual(['acme-dev', 'acme-prod', 'acme-stage']);
    expect(arnsOf(await readState('sqs/acme-stage/us-east-1/billing-jobs/terraform.tfstate')).join(' ')).toContain(
      ':222222222222:',
    );

    // state lives in the central bucket under each shard key
    expect((await stateKeys()).sort()).toEqual(applied.map((d) => d.key).sort());

    const again = await tfoJson(['apply'], dir, env);
    expect(again.code, again.output).toBe(2);
    for (const d of again.result.deployments)
      expect(d.status, d.key).toBe(d.key === PUBLIC_SITE ? 'blocked' : 'no-changes');
  });

  it('recovers a partial apply by re-applying the last good inputs', async () => {
    const file = path.join(dir, KEYS_FILE);
    const original = await readFile(file, 'utf8');
    // a new key that is created, and a second new key whose alias is already taken: the apply
    // creates resources and then fails
    const extra = (name: string, alias: string): string =>
      `  "${name}" = {\n    description = "e2e ${name}"\n    alias = "${alias}"\n    enable_key_rotation = true\n    deletion_window_in_days = 30\n    tags = { Owner = "e2e", Team = "e2e", Environment = "dev", CostCenter = "CC-0001" }\n  }\n`;
    const broken = original.replace(
      'kms_keys = {\n',
      `kms_keys = {\n${extra('extra', 'acme-dev-e2e-extra')}${extra('clash', 'acme-dev-app')}`,
    );
    expect(broken).not.toBe(original);
    await writeFile(file, broken);
    const bad = await tfoJson(['apply', '--only', '**/app-keys/**'], dir, env);
    expect(bad.code, bad.output).toBe(1);
    const d = byKey(bad.result, KEYS);
    expect(d.error?.stage).toBe('apply');
    expect(d.recovery, bad.output).toMatchObject({ action: 'reapply-last-good', ok: true });
    // the backup taken before that apply is recorded in the state bucket (the version it pinned)
    const listed = await stateBucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `backups/${KEYS}.` }));
    expect((listed.Contents ?? []).some((o) => o.Key!.endsWith('.json'))).toBe(true);

    await writeFile(file, original);
    const check = await tfoJson(['plan', '--only', '**/app-keys/**'], dir, env);
    expect(check.code, check.output).toBe(0);
    expect(byKey(check.result, KEYS).status).toBe('no-changes');
  });

  it('keeps the audit trail in three sinks: file chain, Object Lock S3 objects, and the DynamoDB index', async () => {
    const all = await tfo(['audit', 'query', '--json'], dir, env);
    expect(all.exitCode, all.all).toBe(0);
    const records = (
      JSON.parse(all.stdout) as {
        records: Array<{
          id: string;
          action: string;
          deployment: { account: string; accountId: string; project: string };
        }>;
      }
    ).records;
    expect(records.length).toBeGreaterThanOrEqual(8);

    // every record of the file trail is an object in the audit bucket, retained under Object Lock
    const listed = await auditBucket.send(new ListObjectsV2Command({ Bucket: AUDIT, Prefix: 'audit-logs/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    for (const r of records) {
      const key = keys.find((k) => k.endsWith(`-${r.id}.json`));
      expect(key, r.id).toMatch(
        // the account id is redacted in what tfo prints, so only its shape is checked here
        new RegExp(`^audit-logs/\\d{12}/${r.deployment.project}/${r.action}-`),
      );
    }
    expect(keys).toHaveLength(records.length);
    const head = await auditBucket.send(new HeadObjectCommand({ Bucket: AUDIT, Key: keys[0] }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(head.ServerSideEncryption).toBe('AES256');

    // the index answers per account and project with exactly the file trail's records
    const { account, project } = records[0]!.deployment;
    const fromFile = records.filter((r) => r.deployment.account === account && r.deployment.project === project);
    const indexed = await tfo(
      ['audit', 'query', '--source', 'dynamodb', '--account', account, '--project', project, '--json'],
      dir,
      env,
    );
    expect(indexed.exitCode, indexed.all).toBe(0);
    const ids = (JSON.parse(indexed.stdout) as { records: Array<{ id: string }> }).records.map((r) => r.id);
    expect(ids).toEqual(fromFile.map((r) => r.id));

    const verify = await tfo(['audit', 'verify'], dir, env);
    expect(verify.exitCode, verify.all).toBe(0);
  });
});
