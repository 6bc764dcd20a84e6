// S3StateStore against a real moto server (started here on a free 127.0.0.1 port) through the SDK.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { processStartTime } from '@tfo/engine/state';
import { type AccountInfo, type BackupRecord } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { ClientCache } from '@tfo/aws';
import { pidNamespace } from '../src/lease.js';
import { s3BackupOptionsSchema, type S3BackupOptions } from '../src/options.js';
import { S3StateStore, stamp } from '../src/s3-state-store.js';
import {
  createBucket,
  createLockTable,
  dynamoClient,
  getText,
  s3Client,
  stateBytes,
  useTestCredentials,
} from './support.js';

const ACCOUNTS: AccountInfo[] = [{ key: 'dev', name: 'acme-dev', id: '111111111111', allowedRegions: [] }];
const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';

let moto: MotoServer;
let s3: S3Client;
let db: DynamoDBClient;
const caches: ClientCache[] = [];

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  s3 = s3Client(moto.endpoint);
  db = dynamoClient(moto.endpoint);
}, 60_000);

afterAll(async () => {
  for (const c of caches) c.destroy();
  s3?.destroy();
  db?.destroy();
  await moto?.stop();
});

/** A fresh bucket (versioned or not) and a store over it. */
async function setup(
  versioned: boolean,
  extra: Partial<S3BackupOptions> = {},
): Promise<{ bucket: string; store: S3StateStore }> {
  const bucket = `tfo-state-${randomUUID().slice(0, 8)}`;
  await createBucket(s3, bucket, versioned);
  const options = s3BackupOptionsSchema.parse({
    bucket,
    region: 'us-east-1',
    endpoints: { s3: moto.endpoint, dynamodb: moto.endpoint, sts: moto.endpoint },
    usePathStyle: true,
    ...extra,
  });
  const cache = new ClientCache(options);
  caches.push(cache);
  return { bucket, store: new S3StateStore(options, ACCOUNTS, cache) };
}

async function putState(bucket: string, bytes: Buffer, key = KEY): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
}

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('S3StateStore.backup', () => {
  it('reports a first deployment when there is no state yet, and writes nothing', async () => {
    const { bucket, store } = await setup(true);
    const { record, before } = await store.backup(KEY, 'test');
    expect(record).toMatchObject({ key: KEY, firstDeployment: true, by: 'test' });
    expect(record.location).toBeUndefined();
    expect(before.exists).toBe(false);
    expect(await keysUnder(bucket, 'backups/')).toEqual([]);
    expect(await store.backups(KEY)).toEqual([]);
  });

  it('records the object version in a versioned bucket, and backupBytes returns the old bytes', async () => {
    const { bucket, store } = await setup(true);
    const lineage = randomUUID();
    const v1 = stateBytes(1, lineage, ['a']);
    await putState(bucket, v1);
    const { record, before } = await store.backup(KEY, 'test');
    expect(record.firstDeployment).toBe(false);
    expect(record.location).toMatch(new RegExp(`^s3://${bucket}/${KEY.replace(/\./g, '\\.')}\\?versionId=.+`));
    expect(before).toMatchObject({ exists: true, readable: true, serial: 1, lineage });
    // no copy object in a versioned bucket: the version is the backup
    expect((await keysUnder(bucket, 'backups/')).filter((k) => k.endsWith('.backup'))).toEqual([]);

    // terraform writes a new version; the backup still names the old one
    await putState(bucket, stateBytes(2, lineage, ['a', 'b']));
    expect((await store.backupBytes(record)).equals(v1)).toBe(true);
  });

  it('copies the state to a `.backup` object with SSE in an unversioned bucket', async () => {
    const { bucket, store } = await setup(false);
    const v1 = stateBytes(3, randomUUID(), ['a']);
    await putState(bucket, v1);
    const { record } = await store.backup(KEY, 'test');
    expect(record.location).toMatch(/\.backup$/);
    expect(record.location).not.toContain('versionId');
    const copyKey = record.location!.replace(`s3://${bucket}/`, '');
    expect(copyKey.startsWith(`backups/${KEY}.`)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: copyKey }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect((await store.backupBytes(record)).equals(v1)).toBe(true);
    // the sidecar is encrypted too
    const sidecar = copyKey.replace(/\.backup$/, '.json');
    const sideHead = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: sidecar }));
    expect(sideHead.ServerSideEncryption).toBe('AES256');
  });

  it('writes a sidecar that records serial, lineage and sha256 of the backed-up state', async () => {
    const { bucket, store } = await setup(true);
    const lineage = randomUUID();
    const bytes = stateBytes(7, lineage, ['x']);
    await putState(bucket, bytes);
    const { record } = await store.backup(KEY, 'sidecar-test');
    const sidecars = (await keysUnder(bucket, `backups/${KEY}.`)).filter((k) => k.endsWith('.json'));
    expect(sidecars).toHaveLength(1);
    const side = JSON.parse((await getText(s3, bucket, sidecars[0]!))!) as BackupRecord;
    expect(side).toMatchObject({
      key: KEY,
      serial: 7,
      lineage,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      firstDeployment: false,
      by: 'sidecar-test',
      location: record.location,
    });
    expect(await store.backups(KEY)).toEqual([side]);
    // a torn sidecar names no backup, and does not hide the others
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `backups/${KEY}.20200101T000000.000Z.json`, Body: '{' }));
    expect(await store.backups(KEY)).toEqual([side]);
    // the post-apply kind is recorded the same way
    const { record: post } = await store.backup(KEY, 'sidecar-test', 'post-apply');
    expect(post).toMatchObject({ kind: 'post-apply', serial: 7, lineage });
    expect((await store.backups(KEY)).map((b) => b.kind)).toEqual(['post-apply', 'pre-apply']);
  });
});

describe('S3StateStore.prune', () => {
  it('keeps the keepLast newest and deletes only backups older than retentionDays', async () => {
    const { bucket, store } = await setup(false, { keepLast: 2, retentionDays: 10 });
    const day = 86_400_000;
    const lineage = randomUUID();
    // hand-written backups: ages in days, newest first
    const ages = [0.5, 1, 3, 20, 40, 60];
    const written: Array<{ age: number; base: string }> = [];
    for (const age of ages) {
      const createdAt = new Date(Date.now() - age * day);
      const base = `backups/${KEY}.${stamp(createdAt)}`;
      const record: BackupRecord = {
        key: KEY,
        location: `s3://${bucket}/${base}.backup`,
        firstDeployment: false,
        serial: 1,
        lineage,
        sha256: 'x',
        createdAt: createdAt.toISOString(),
        by: 'hand',
      };
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${base}.backup`, Body: stateBytes(1, lineage) }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${base}.json`, Body: JSON.stringify(record) }));
      written.push({ age, base });
    }
    await store.prune(KEY);
    const left = await keysUnder(bucket, 'backups/');
    for (const { age, base } of written) {
      // kept: the 2 newest, and anything younger than 10 days; deleted: 20, 40, 60 days old
      const kept = age < 10;
      expect(left.includes(`${base}.json`), `${age} days old sidecar`).toBe(kept);
      expect(left.includes(`${base}.backup`), `${age} days old copy`).toBe(kept);
    }
  });

  it('keeps keepLast even when every backup is past retentionDays', async () => {
    const { bucket, store } = await setup(false, { keepLast: 2, retentionDays: 1 });
    const day = 86_400_000;
    const bases: string[] = [];
    for (const age of [30, 40, 50]) {
      const createdAt = new Date(Date.now() - age * day);
      const base = `backups/${KEY}.${stamp(createdAt)}`;
      const record = {
        key: KEY,
        location: `s3://${bucket}/${base}.backup`,
        firstDeployment: false,
        createdAt: createdAt.toISOString(),
        by: 'hand',
      };
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${base}.backup`, Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${base}.json`, Body: JSON.stringify(record) }));
      bases.push(base);
    }
    await store.prune(KEY);
    const left = await keysUnder(bucket, 'backups/');
    expect(left).toEqual([`${bases[0]}.backup`, `${bases[0]}.json`, `${bases[1]}.backup`, `${bases[1]}.json`].sort());
  });
});

describe('S3StateStore.restore', () => {
  it('refuses a backup of another lineage (TFO_ERR_LINEAGE) unless forced', async () => {
    const { bucket, store } = await setup(true);
    const old = stateBytes(1, randomUUID(), ['a']);
    await putState(bucket, old);
    await store.backup(KEY, 'test');
    // the state was replaced by one of another lineage
    const other = stateBytes(1, randomUUID(), ['z']);
    await putState(bucket, other);
    await expect(store.restore(KEY, { runId: 'r1' })).rejects.toMatchObject({ code: 'TFO_ERR_LINEAGE' });
    expect((await getText(s3, bucket, KEY)) === other.toString()).toBe(true);

    const { orphaned } = await store.restore(KEY, { runId: 'r2', force: true });
    expect(await getText(s3, bucket, KEY)).toBe(old.toString());
    expect(orphaned).toEqual(['terraform_data.bucket["z"]']);
  });

  it('adds a new version and deletes nothing', async () => {
    const { bucket, store } = await setup(true);
    const lineage = randomUUID();
    const v1 = stateBytes(1, lineage, ['a']);
    await putState(bucket, v1);
    await store.backup(KEY, 'test');
    await putState(bucket, stateBytes(2, lineage, ['a', 'b']));
    const versionsOf = async (): Promise<string[]> =>
      ((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: KEY }))).Versions ?? [])
        .filter((v) => v.Key === KEY)
        .map((v) => v.VersionId!);
    const before = await versionsOf();
    expect(before).toHaveLength(2);

    const { backup, orphaned } = await store.restore(KEY, { runId: 'r' });
    expect(backup.serial).toBe(1);
    expect(orphaned).toEqual(['terraform_data.bucket["b"]']);
    const after = await versionsOf();
    expect(after).toHaveLength(3);
    for (const v of before) expect(after).toContain(v);
    const deleteMarkers =
      (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: KEY }))).DeleteMarkers ?? [];
    expect(deleteMarkers).toEqual([]);
    expect(await getText(s3, bucket, KEY)).toBe(v1.toString());
    // the state it replaced was backed up first, and the state it put back is recorded after
    const records = await store.backups(KEY);
    expect(records.map((r) => r.kind)).toEqual(['restored', 'pre-restore', 'pre-apply']);
    expect(records[1]).toMatchObject({ serial: 2, by: 'tfo state restore' });
    expect(records[0]).toMatchObject({ serial: 1, lineage, by: 'tfo state restore' });
    // the restored record pins the new version: the one now current
    expect(records[0]!.location).toContain(`versionId=${after.find((v) => !before.includes(v))}`);
  });

  it("with lock 'dynamodb', restoreBytes writes terraform's digest item: md5 of the bytes", async () => {
    const table = `tfo-locks-${randomUUID().slice(0, 8)}`;
    await createLockTable(db, table);
    const { bucket, store } = await setup(true, { lock: 'dynamodb', dynamodbTable: table });
    const lineage = randomUUID();
    const v1 = stateBytes(1, lineage, ['a']);
    await putState(bucket, v1);
    const { record } = await store.backup(KEY, 'test');
    await putState(bucket, stateBytes(2, lineage, ['a', 'b']));
    // a stale digest, as terraform left it after writing serial 2
    await db.send(
      new PutItemCommand({ TableName: table, Item: { LockID: { S: `${bucket}/${KEY}-md5` }, Digest: { S: 'stale' } } }),
    );
    await store.restoreBytes(record);
    const item = await db.send(
      new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${KEY}-md5` } } }),
    );
    expect(item.Item?.Digest?.S).toBe(createHash('md5').update(v1).digest('hex'));
    expect(await getText(s3, bucket, KEY)).toBe(v1.toString());
  });
});

describe('S3StateStore.unlock', () => {
  it("removes tfo's lease object and terraform's .tflock", async () => {
    const { bucket, store } = await setup(true);
    const lease = `tfo-leases/${KEY}.lease`;
    const holder = {
      runId: 'run-x',
      pid: 4242,
      host: 'elsewhere',
      key: KEY,
      acquiredAt: new Date().toISOString(),
      // silent past its TTL: stale, removed without --force
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lease, Body: JSON.stringify(holder) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${KEY}.tflock`, Body: '{"ID":"x"}' }));
    const out = await store.unlock(KEY);
    expect(out.removed).toBe(true);
    expect(out.reason).toContain('stale');
    expect(out.holder).toMatchObject({ runId: 'run-x', pid: 4242 });
    expect(await getText(s3, bucket, lease)).toBeUndefined();
    expect(await getText(s3, bucket, `${KEY}.tflock`)).toBeUndefined();
    // nothing left to remove
    expect((await store.unlock(KEY)).removed).toBe(false);
  });

  it('refuses a lease renewed within its TTL (TFO_ERR_LOCK_LIVE, naming the holder) unless forced', async () => {
    const { bucket, store } = await setup(true);
    const lease = `tfo-leases/${KEY}.lease`;
    const holder = {
      runId: 'run-live',
      pid: 4242,
      host: 'elsewhere',
      key: KEY,
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lease, Body: JSON.stringify(holder) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${KEY}.tflock`, Body: '{"ID":"x"}' }));
    await expect(store.unlock(KEY)).rejects.toMatchObject({
      code: 'TFO_ERR_LOCK_LIVE',
      message: expect.stringContaining('run run-live (pid 4242 on elsewhere'),
    });
    expect(await getText(s3, bucket, lease)).toBeDefined();
    expect(await getText(s3, bucket, `${KEY}.tflock`)).toBeDefined();
    const out = await store.unlock(KEY, { force: true });
    expect(out).toMatchObject({ removed: true, holder: { runId: 'run-live' } });
    expect(out.reason).toContain('removed with --force');
    expect(await getText(s3, bucket, lease)).toBeUndefined();
    expect(await getText(s3, bucket, `${KEY}.tflock`)).toBeUndefined();
  });

  it('removes without --force a lease within its TTL whose holder on this host is gone; refuses one whose holder lives', async () => {
    const { bucket, store } = await setup(true);
    const lease = `tfo-leases/${KEY}.lease`;
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const holder = {
      runId: 'run-killed',
      pid: child.pid!,
      host: hostname(),
      pidStart: processStartTime(child.pid!),
      pidNs: pidNamespace(),
      key: KEY,
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    };
    expect(holder.pidStart).toBeDefined();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lease, Body: JSON.stringify(holder) }));
    // alive with the same start time: live
    await expect(store.unlock(KEY)).rejects.toMatchObject({
      code: 'TFO_ERR_LOCK_LIVE',
      message: expect.stringContaining(`pid ${child.pid} is alive on ${hostname()} with the same start time`),
    });
    expect(await getText(s3, bucket, lease)).toBeDefined();
    child.kill('SIGKILL');
    await once(child, 'exit');
    const out = await store.unlock(KEY);
    expect(out).toMatchObject({ removed: true, holder: { runId: 'run-killed' } });
    expect(out.reason).toBe(`stale: pid ${child.pid} is gone on ${hostname()}`);
    expect(await getText(s3, bucket, lease)).toBeUndefined();
  });

  it("with lock 'both', also deletes terraform's DynamoDB lock item", async () => {
    const table = `tfo-locks-${randomUUID().slice(0, 8)}`;
    await createLockTable(db, table);
    const { bucket, store } = await setup(true, { lock: 'both', dynamodbTable: table });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${KEY}.tflock`, Body: '{"ID":"x"}' }));
    await db.send(
      new PutItemCommand({ TableName: table, Item: { LockID: { S: `${bucket}/${KEY}` }, Info: { S: '{}' } } }),
    );
    expect((await store.unlock(KEY)).removed).toBe(true);
    const item = await db.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${KEY}` } } }));
    expect(item.Item).toBeUndefined();
    expect(await getText(s3, bucket, `${KEY}.tflock`)).toBeUndefined();
  });
});
