// The audit trail through the built CLI with real terraform: a file trail, an S3 sink and a
// DynamoDB index at once (moto on 127.0.0.1, started here); state repairs recorded like runs;
// a failing sink fails the command; queries from the DynamoDB index match the file trail.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { createAuditTable } from '../../../scripts/lib/state-bucket.mjs';
import { ACCOUNTS, REPO, SLOW_MODULE, slowTfvars, tfo, tfoJson } from './support.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };
const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';

let moto: MotoServer;
let s3: S3Client;
let db: DynamoDBClient;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  db = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-audit' }));
  await createAuditTable(db, 'tfo-audit');
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  db?.destroy();
  await moto?.stop();
});

/**
 * A repository over the slow module whose TypeScript config sends audit records to three sinks.
 * `options`: source text spread into audit({ … }); `anchorId`: this trail's anchor in the shared table.
 */
async function auditedRepo(
  bucket: string,
  files: Record<string, string>,
  { options = '', anchorId = 'default' }: { options?: string; anchorId?: string } = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-audit-e2e-'));
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, 'deployments', rel)), { recursive: true });
    await writeFile(path.join(dir, 'deployments', rel), text);
  }
  const target = { region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true };
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit, dynamodbSink, fileSink, s3Sink } from '@tfo/plugin-audit';
import { report } from '@tfo/plugin-report';
export default {
  deploymentsDir: 'deployments',
  rootModule: ${JSON.stringify(SLOW_MODULE)},
  accounts: ${JSON.stringify(ACCOUNTS)},
  plugins: [
    audit({
      sinks: [
        fileSink(),
        s3Sink({ ...${JSON.stringify(target)}, bucket: ${JSON.stringify(bucket)} }),
        dynamodbSink({ ...${JSON.stringify(target)}, table: 'tfo-audit', anchorId: ${JSON.stringify(anchorId)} }),
      ],${options}
    }),
    report(),
  ],
};
`,
  );
  return dir;
}

interface Row {
  id: string;
  action: string;
  outcome: string;
  timestamp: string;
  deployment: { key: string; project: string };
}

async function query(dir: string, args: string[]): Promise<Row[]> {
  const out = await tfo(['audit', 'query', ...args, '--json'], dir, ENV);
  expect(out.exitCode, out.all).toBe(0);
  return (JSON.parse(out.stdout) as { records: Row[] }).records;
}

describe('audit sinks through the CLI', () => {
  it('records runs and state repairs in the file trail, S3 and the DynamoDB index alike', async () => {
    const dir = await auditedRepo('acme-audit', {
      'dev/app/app.tfvars': slowTfvars({ a: {} }),
      'dev/web/web.tfvars': slowTfvars({ w: {} }),
    });
    const since = new Date().toISOString();
    const first = await tfoJson(['apply'], dir, ENV);
    expect(first.code, first.output).toBe(0);
    await writeFile(path.join(dir, 'deployments/dev/app/app.tfvars'), slowTfvars({ a: {}, b: {} }));
    const second = await tfoJson(['apply', '--only', '**/app/**'], dir, ENV);
    expect(second.code, second.output).toBe(0);

    const restore = await tfo(['state', 'restore', KEY], dir, ENV);
    expect(restore.exitCode, restore.all).toBe(0);
    const unlock = await tfo(['state', 'unlock', KEY], dir, ENV);
    expect(unlock.exitCode, unlock.all).toBe(0);
    const until = new Date().toISOString();

    const fromFile = await query(dir, ['--since', since, '--until', until]);
    expect(fromFile.map((r) => `${r.deployment.project}:${r.action}:${r.outcome}`)).toEqual([
      expect.stringMatching(/^(app|web):apply:applied$/),
      expect.stringMatching(/^(app|web):apply:applied$/),
      'app:apply:applied',
      'app:restore:applied',
      'app:unlock:no-changes',
    ]);
    const restoreRecord = fromFile.find((r) => r.action === 'restore')!;
    expect(restoreRecord.deployment.key).toBe(KEY);

    // the index answers by account (id mapped to its name), project and time range, like the file trail
    const indexed = await query(dir, [
      '--source',
      'dynamodb',
      '--account',
      '111111111111',
      '--project',
      'app',
      '--since',
      since,
      '--until',
      until,
    ]);
    const appIds = fromFile.filter((r) => r.deployment.project === 'app').map((r) => r.id);
    expect(indexed.map((r) => r.id)).toEqual(appIds);
    const restores = await query(dir, ['--source', 'dynamodb', '--account', 'acme-dev', '--action', 'restore']);
    expect(restores.map((r) => r.id)).toEqual([restoreRecord.id]);

    // one write-once object per record, carrying the full output
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'acme-audit', Prefix: 'audit-logs/111111111111/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys).toHaveLength(fromFile.length);
    const restoreKey = keys.find((k) => k.includes(`/app/restore-`) && k.endsWith(`-${restoreRecord.id}.json`));
    expect(restoreKey).toBeDefined();
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'acme-audit', Key: restoreKey }))
    ).Body!.transformToString();
    expect(JSON.parse(body)).toMatchObject({ id: restoreRecord.id, action: 'restore' });
    expect(JSON.parse(body).output).toMatch(/^restored .*as s3\/acme-dev\/us-east-1\/app\/terraform\.tfstate/);

    const report = await tfo(['audit', 'report', '--since', since, '--source', 'dynamodb', '--json'], dir, ENV);
    expect(report.exitCode, report.all).toBe(0);
    expect(JSON.parse(report.stdout).totals).toMatchObject({ changes: 4, stateRepairs: 2 }); // three applies and the restore

    const verify = await tfo(['audit', 'verify'], dir, ENV);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(verify.stdout).toContain('audit trail intact: 5 record(s)');
  });

  it('a sink that cannot store a record fails the run and the repair loudly, and the other sinks still get it', async () => {
    // failClosed: false, so the run goes ahead and the sink failure is found when it writes (with
    // the default, the run would start nothing: test/faults/audit.e2e.test.ts)
    const dir = await auditedRepo(
      'no-such-audit-bucket',
      { 'dev/app/app.tfvars': slowTfvars({ a: {} }) },
      { options: ' failClosed: false,', anchorId: 'sink-fails' },
    );
    const run = await tfoJson(['apply'], dir, ENV);
    expect(run.code, run.output).toBe(1);
    expect(run.result.deployments[0]?.status).toBe('applied'); // the apply itself stands
    expect(JSON.stringify((run.result as unknown as { problems: unknown[] }).problems)).toMatch(
      /audit sink s3 failed for 1 record\(s\): s3:\/\/no-such-audit-bucket\/audit-logs\//,
    );
    await writeFile(path.join(dir, 'deployments/dev/app/app.tfvars'), slowTfvars({ a: {}, b: {} }));
    expect((await tfoJson(['apply'], dir, ENV)).code).toBe(1);

    const restore = await tfo(['state', 'restore', KEY], dir, ENV);
    expect(restore.exitCode).toBe(1);
    expect(restore.stderr).toMatch(/error TFO_ERR_AUDIT: audit sink s3 failed for 1 record/);
    expect(restore.stdout).toContain('restored'); // the repair happened and says so
    const trail = await query(dir, ['--action', 'restore']);
    expect(trail).toHaveLength(1);
  });
});
