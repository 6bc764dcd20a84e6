// ClientCache and assume-role against a real moto server on 127.0.0.1 (started here), through the
// real SDK: the ambient credentials without a role, one assumed role per role ARN (its session seen
// by STS), credentials shared by a role's clients and refreshed near their expiry, and clients
// reused until destroy.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { assumeRoleCredentials, AWS_RETRY, ClientCache, httpStatus, ROLE_ARN_PATTERN } from '../src/index.js';

const REGION = 'us-east-1';
const ROLE_A = 'arn:aws:iam::111111111111:role/tfo-deploy';
const ROLE_B = 'arn:aws:iam::222222222222:role/tfo-deploy';

let moto: MotoServer;
const caches: ClientCache[] = [];

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'ambient-key';
  process.env.AWS_SECRET_ACCESS_KEY = 'ambient-secret';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  moto = await startMoto();
}, 60_000);

afterAll(async () => {
  for (const c of caches) c.destroy();
  await moto?.stop();
});

function cache(sessionName = 'tfo-test'): ClientCache {
  const c = new ClientCache({
    region: REGION,
    endpoints: { s3: moto.endpoint, dynamodb: moto.endpoint, sts: moto.endpoint },
    usePathStyle: true,
    sessionName,
  });
  caches.push(c);
  return c;
}

/** Who STS says the credentials are. */
async function callerArn(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const sts = new STSClient({ region: REGION, endpoint: moto.endpoint, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

describe('ClientCache', () => {
  it('without a role uses the ambient credentials, and the clients work', async () => {
    const c = cache();
    const s3 = await c.s3();
    expect((await s3.config.credentials()).accessKeyId).toBe('ambient-key');
    await s3.send(new CreateBucketCommand({ Bucket: 'tfo-aws-ambient' }));
    const out = await s3.send(new ListBucketsCommand({}));
    expect(out.Buckets?.map((b) => b.Name)).toContain('tfo-aws-ambient');
    expect(await s3.config.forcePathStyle).toBe(true);
    expect(s3.config.maxAttempts).toBeDefined();
    expect(await s3.config.maxAttempts()).toBe(AWS_RETRY.maxAttempts);
  });

  it('assumes each role through STS, with the session name, and shares it between the clients of that role', async () => {
    const c = cache('tfo-test');
    const [s3a, dba, s3b] = await Promise.all([c.s3(ROLE_A), c.dynamodb(ROLE_A), c.s3(ROLE_B)]);
    const a = await s3a.config.credentials();
    const b = await s3b.config.credentials();
    expect(a.accessKeyId).not.toBe('ambient-key');
    expect(a.sessionToken).toBeTruthy();
    expect(b.accessKeyId).not.toBe(a.accessKeyId);
    // one AssumeRole for the role's S3 and DynamoDB clients
    expect((await dba.config.credentials()).accessKeyId).toBe(a.accessKeyId);
    expect(await callerArn(a)).toBe(`arn:aws:sts::111111111111:assumed-role/tfo-deploy/tfo-test-${process.pid}`);
    expect(await callerArn(b)).toBe(`arn:aws:sts::222222222222:assumed-role/tfo-deploy/tfo-test-${process.pid}`);
  });

  it('reuses one client per role and kind until destroy', async () => {
    const c = cache();
    const first = await c.s3(ROLE_A);
    expect(await c.s3(ROLE_A)).toBe(first);
    expect(await c.s3()).not.toBe(first);
    expect(await c.dynamodb(ROLE_A)).not.toBe(first);
    c.destroy();
    expect(await c.s3(ROLE_A)).not.toBe(first);
  });

  it('a role that cannot be assumed fails the call with the STS error (S3 itself answers)', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const c = new ClientCache({
      region: REGION,
      endpoints: { s3: moto.endpoint, sts: closed },
      usePathStyle: true,
      retry: { maxAttempts: 1, retryMode: 'standard' },
    });
    caches.push(c);
    const s3 = await c.s3(ROLE_A);
    const err = await s3.send(new ListBucketsCommand({})).catch((e: unknown) => e);
    expect(String(err)).toMatch(/ECONNREFUSED/);
    // the same cache without the role reaches S3
    await expect((await c.s3()).send(new ListBucketsCommand({}))).resolves.toBeDefined();
  });
});

describe('assumeRoleCredentials', () => {
  const role = (refreshBeforeMs?: number) =>
    assumeRoleCredentials({
      roleArn: ROLE_A,
      region: REGION,
      endpoint: moto.endpoint,
      retry: AWS_RETRY,
      sessionName: 'tfo-refresh',
      refreshBeforeMs,
    });

  it('keeps the credentials while they are fresh, and concurrent callers share one AssumeRole', async () => {
    const r = role();
    const [x, y] = await Promise.all([r.provide(), r.provide()]);
    expect(y).toBe(x);
    expect(await r.provide()).toBe(x);
    expect(x.expiration!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    r.destroy();
  });

  it('assumes the role again once the credentials are within the refresh window of their expiry', async () => {
    // a window longer than the session: every call finds the credentials about to expire
    const r = role(2 * 3600_000);
    const x = await r.provide();
    const y = await r.provide();
    expect(y.accessKeyId).not.toBe(x.accessKeyId);
    r.destroy();
  });
});

describe('helpers', () => {
  it('ROLE_ARN_PATTERN accepts role ARNs of any partition only', () => {
    expect(ROLE_ARN_PATTERN.test(ROLE_A)).toBe(true);
    expect(ROLE_ARN_PATTERN.test('arn:aws-us-gov:iam::111111111111:role/x')).toBe(true);
    expect(ROLE_ARN_PATTERN.test('arn:aws:iam::111111111111:user/x')).toBe(false);
    expect(ROLE_ARN_PATTERN.test('arn:aws:iam::1111:role/x')).toBe(false);
  });

  it('httpStatus reads the SDK metadata', () => {
    expect(httpStatus({ $metadata: { httpStatusCode: 412 } })).toBe(412);
    expect(httpStatus(new Error('x'))).toBeUndefined();
    expect(httpStatus(undefined)).toBeUndefined();
  });
});
