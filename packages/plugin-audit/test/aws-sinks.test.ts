// The S3 and DynamoDB audit sinks against a real moto server on 127.0.0.1 (started here), with
// real SDK clients: write-once objects (412 on a second write), encryption, Object Lock retention,
// and an index table queried by account, project and time range.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { createAuditTable } from '../../../scripts/lib/state-bucket.mjs';
import { canonicalJson, dynamodbSink, s3RecordKey, s3Sink, type AuditEntry } from '../src/index.js';
import { entry } from './support.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';

let moto: MotoServer;
let s3: S3Client;
let db: DynamoDBClient;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  moto = await startMoto();
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  db = new DynamoDBClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: 'audit' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'audit-locked', ObjectLockEnabledForBucket: true }));
  await createAuditTable(db, 'tfo-audit');
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  db?.destroy();
  await moto?.stop();
});

const target = () => ({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true });

/** A KMS key on the test server (KMS's JSON protocol; moto does not check signatures). */
async function createKmsKey(): Promise<string> {
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.CreateKey',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: 'tfo audit' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
}

async function text(bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}

describe('s3Sink', () => {
  it('writes one encrypted object per record at audit-logs/<account>/<project>/<action>-<timestamp>-<id>.json', async () => {
    const sink = s3Sink({ ...target(), bucket: 'audit' });
    const e = entry({ id: 'rec-s3-a', timestamp: '2026-11-27T14:43:58.123Z', action: 'apply' });
    await sink.write(e);
    const key = 'audit-logs/111111111111/api/apply-20261127T144358.123Z-rec-s3-a.json';
    expect(s3RecordKey('audit-logs/', e)).toBe(key);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'audit', Key: key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    const body = await text('audit', key);
    expect(body).toBe(canonicalJson(e));
    expect(head.Metadata?.['tfo-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    // the full, unredacted output is in the record: that is why it is encrypted
    expect(JSON.parse(body).output).toContain('Apply complete!');
    sink.close();
  });

  it('never replaces a record: a second write of the same key gets 412 and the first bytes stay', async () => {
    const sink = s3Sink({ ...target(), bucket: 'audit' });
    const e = entry({ id: 'rec-s3-b', timestamp: '2026-11-27T15:00:00.000Z' });
    await sink.write(e);
    const key = s3RecordKey('audit-logs/', e);

    // the server itself refuses, whoever writes: this is the S3 conditional write, not a client check
    const overwrite = s3.send(
      new PutObjectCommand({ Bucket: 'audit', Key: key, Body: '{"tampered":true}', IfNoneMatch: '*' }),
    );
    await expect(overwrite).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });

    const altered: AuditEntry = { ...e, outcome: 'failed' };
    await expect(sink.write(altered)).rejects.toMatchObject({
      code: 'TFO_ERR_AUDIT',
      message: expect.stringContaining('exists already: audit records are write-once'),
    });
    expect(await text('audit', key)).toBe(canonicalJson(e));
    sink.close();
  });

  it('encrypts with the given KMS key', async () => {
    const keyId = await createKmsKey();
    const sink = s3Sink({ ...target(), bucket: 'audit', encryption: { type: 'aws:kms', kmsKeyId: keyId } });
    const e = entry({ id: 'rec-s3-kms' });
    await sink.write(e);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'audit', Key: s3RecordKey('audit-logs/', e) }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toContain(keyId);
    sink.close();
  });

  it('retains each record under Object Lock when the bucket has it, and warns once when it has not', async () => {
    const notices: string[] = [];
    const context = { stateDir: '/unused', cwd: '/unused', notice: (_l: string, m: string) => notices.push(m) };
    const locked = s3Sink({ ...target(), bucket: 'audit-locked', retention: { mode: 'COMPLIANCE', days: 30 } });
    locked.open(context);
    const e = entry({ id: 'rec-s3-lock' });
    const before = Date.now();
    await locked.write(e);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'audit-locked', Key: s3RecordKey('audit-logs/', e) }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    const until = head.ObjectLockRetainUntilDate!.getTime();
    expect(until).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 60_000);
    expect(notices).toEqual([]);

    const plain = s3Sink({ ...target(), bucket: 'audit', prefix: 'plain', retention: { mode: 'GOVERNANCE', days: 1 } });
    plain.open(context);
    await plain.write(entry({ id: 'rec-s3-nolock-1' }));
    await plain.write(entry({ id: 'rec-s3-nolock-2' }));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('bucket audit has no Object Lock');
    locked.close();
    plain.close();
  });

  it('names the bucket and key when the write fails for another reason', async () => {
    const sink = s3Sink({ ...target(), bucket: 'no-such-bucket' });
    await expect(sink.write(entry({ id: 'rec-s3-missing' }))).rejects.toMatchObject({
      code: 'TFO_ERR_AUDIT',
      message: expect.stringMatching(
        /^s3:\/\/no-such-bucket\/audit-logs\/111111111111\/api\/apply-.*rec-s3-missing\.json: /,
      ),
    });
    sink.close();
  });

  it('refuses invalid options with the field named', () => {
    expect(() => s3Sink({ bucket: 'audit', retention: { mode: 'FOREVER' as never, days: 1 } })).toThrow(
      /s3Sink\(\): retention\.mode/,
    );
  });
});

describe('dynamodbSink', () => {
  const at = (minute: number): string => new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();

  it('indexes records by account#project and timestamp; a query returns exactly the records of a time range', async () => {
    const sink = dynamodbSink({ ...target(), table: 'tfo-audit' });
    const written: AuditEntry[] = [];
    for (let minute = 0; minute < 10; minute++) {
      const e = entry({ id: `dyn-${minute}`, timestamp: at(minute), action: minute % 3 === 0 ? 'plan' : 'apply' });
      written.push(e);
      await sink.write(e);
    }
    // the same instant twice (two deployments finishing together) and other partitions
    const twin = entry({ id: 'dyn-twin', timestamp: at(4) });
    await sink.write(twin);
    await sink.write(entry({ id: 'dyn-other-project', timestamp: at(4), deployment: { project: 'web' } }));
    await sink.write(
      entry({
        id: 'dyn-other-account',
        timestamp: at(4),
        deployment: { account: 'acme-prod', accountId: '2'.repeat(12) },
      }),
    );

    const got = await sink.query({ account: 'acme-dev', project: 'api', since: at(3), until: at(6) });
    // sorted by the sort key: time, then id for records of the same instant
    expect(got.map((r) => r.id)).toEqual(['dyn-3', 'dyn-4', 'dyn-twin', 'dyn-5', 'dyn-6']);
    expect(got).toHaveLength(5);
    // the index holds the record without its output, and the digest to match the full one elsewhere
    const four = got.find((r) => r.id === 'dyn-4')!;
    const { output, ...rest } = written[4]!;
    expect(four).toMatchObject(rest);
    expect(four.outputSha256).toBe(createHash('sha256').update(output).digest('hex'));
    expect('output' in four).toBe(false);

    const plans = await sink.query({ account: 'acme-dev', project: 'api', since: at(0), until: at(9), action: 'plan' });
    expect(plans.map((r) => r.id)).toEqual(['dyn-0', 'dyn-3', 'dyn-6', 'dyn-9']);

    // a day bound covers the whole day; without a project it is a scan with the same filters
    const account = await sink.query({ account: 'acme-dev', since: '2026-11-27', until: '2026-11-27' });
    expect(account.map((r) => r.id)).toContain('dyn-other-project');
    expect(account.map((r) => r.id)).not.toContain('dyn-other-account');
    expect(account).toHaveLength(12);
    // no bounds: the whole partition
    const partition = await sink.query({ account: 'acme-dev', project: 'api' });
    expect(partition.map((r) => r.id).slice(0, 3)).toEqual(['dyn-0', 'dyn-1', 'dyn-2']);
    expect(partition).toHaveLength(11);
    const none = await sink.query({ account: 'acme-dev', project: 'api', since: '2026-11-28' });
    expect(none).toEqual([]);
    sink.close();
  });

  it('names the table when a query fails', async () => {
    const sink = dynamodbSink({ ...target(), table: 'no-such-table' });
    await expect(sink.query({ account: 'acme-dev', project: 'api' })).rejects.toMatchObject({
      code: 'TFO_ERR_AUDIT',
      message: expect.stringMatching(/^querying no-such-table: /),
    });
    sink.close();
  });

  it('never replaces an indexed record', async () => {
    const sink = dynamodbSink({ ...target(), table: 'tfo-audit' });
    const e = entry({ id: 'dyn-once', timestamp: at(30) });
    await sink.write(e);
    await expect(sink.write({ ...e, outcome: 'failed' })).rejects.toMatchObject({
      code: 'TFO_ERR_AUDIT',
      message: expect.stringContaining('indexed already'),
    });
    const [kept] = await sink.query({ account: 'acme-dev', project: 'api', since: at(30), until: at(30) });
    expect(kept?.outcome).toBe('applied');
    sink.close();
  });

  it('keeps a record with thousands of findings in one item by keeping their count', async () => {
    const sink = dynamodbSink({ ...target(), table: 'tfo-audit' });
    const finding = {
      ruleId: 'TFO-S3-001',
      severity: 'high' as const,
      level: 'deny' as const,
      title: 'Bucket is public',
      message: 'x'.repeat(300),
      source: 'opa',
    };
    const e = entry({ id: 'dyn-big', timestamp: at(40), findings: Array.from({ length: 2000 }, () => finding) });
    await sink.write(e);
    const [got] = await sink.query({ account: 'acme-dev', project: 'api', since: at(40), until: at(40) });
    expect(got?.findingsOmitted).toBe(2000);
    expect(got?.findings).toEqual([]);
    sink.close();
  });
});
