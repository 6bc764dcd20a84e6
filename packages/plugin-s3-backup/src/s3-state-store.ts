import { createHash } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { backupRecordOf, fingerprintBytes, restoreFromBackups } from '@tfo/engine/state';
import {
  TfoError,
  type AccountInfo,
  type BackupKind,
  type BackupRecord,
  type RestoreResult,
  type StateFingerprint,
  type StateStore,
  type StateSummary,
  type UnlockResult,
} from '@tfo/engine';
import { httpStatus, type ClientCache } from '@tfo/aws';
import { bucketFor, perAccount, type ResolvedS3BackupOptions } from './options.js';
import { unlockKey } from './s3-unlock.js';

/** UTC stamp that sorts as text. */
export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** A state object's identity; an object of 0 bytes is no state, flagged `empty` for the state guard. */
function fingerprintOf(current: { bytes: Buffer } | undefined): StateFingerprint {
  if (current && current.bytes.length === 0) return { exists: false, readable: false, empty: true };
  return fingerprintBytes(current?.bytes);
}

export interface KeyLocation {
  bucket: string;
  s3: S3Client;
  roleArn?: string | undefined;
}

/** State in S3: where each key lives, its backups (versions or copies), restore, and unlock. */
export class S3StateStore implements StateStore {
  readonly name = 's3';
  readonly #versioned = new Map<string, Promise<boolean>>();
  /** Backup stamps are object names: two backups of one process never share a millisecond. */
  #lastStamp = 0;

  constructor(
    readonly options: ResolvedS3BackupOptions,
    readonly accounts: readonly AccountInfo[],
    readonly clients: ClientCache,
  ) {}

  /** The account of a key (`{service}/{account}/{region}/{project}/terraform.tfstate`). */
  accountOf(key: string): AccountInfo {
    const name = key.split('/')[1];
    const account = this.accounts.find((a) => a.name === name);
    if (!account) throw new TfoError('TFO_ERR_UNKNOWN_ACCOUNT', `state key ${key} names no configured account`);
    return account;
  }

  /** The role used for the state bucket of an account. */
  roleFor(account: AccountInfo): string | undefined {
    return this.options.stateRoleArn ?? (perAccount(this.options) ? account.roleArn : undefined);
  }

  async locate(key: string): Promise<KeyLocation> {
    const account = this.accountOf(key);
    const roleArn = this.roleFor(account);
    return { bucket: bucketFor(this.options, account), s3: await this.clients.s3(roleArn), roleArn };
  }

  get sse(): { ServerSideEncryption: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
    return this.options.kmsKeyId
      ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.options.kmsKeyId }
      : { ServerSideEncryption: 'AES256' };
  }

  async versioned(loc: KeyLocation): Promise<boolean> {
    let v = this.#versioned.get(loc.bucket);
    if (!v) {
      v = loc.s3.send(new GetBucketVersioningCommand({ Bucket: loc.bucket })).then((o) => o.Status === 'Enabled');
      this.#versioned.set(loc.bucket, v);
    }
    return v;
  }

  async read(
    loc: KeyLocation,
    key: string,
    versionId?: string,
  ): Promise<{ bytes: Buffer; versionId?: string } | undefined> {
    try {
      const out = await loc.s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: key, VersionId: versionId }));
      return { bytes: Buffer.from(await out.Body!.transformToByteArray()), versionId: out.VersionId };
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async fingerprint(key: string): Promise<StateFingerprint> {
    const loc = await this.locate(key);
    return fingerprintOf(await this.read(loc, key));
  }

  /**
   * Records the current state (before apply, after a verified apply, or around a restore): its
   * version when the bucket is versioned, else a copy.
   */
  async backup(
    key: string,
    by: string,
    kind: BackupKind = 'pre-apply',
  ): Promise<{ record: BackupRecord; before: StateFingerprint }> {
    const loc = await this.locate(key);
    const current = await this.read(loc, key);
    const before = fingerprintOf(current);
    const createdAt = new Date(Math.max(Date.now(), this.#lastStamp + 1));
    this.#lastStamp = createdAt.getTime();
    if (!current || !before.exists) {
      return { record: { key, firstDeployment: true, createdAt: createdAt.toISOString(), by, kind }, before };
    }
    const base = `${this.options.backupPrefix}${key}.${stamp(createdAt)}`;
    let location: string;
    if ((await this.versioned(loc)) && current.versionId) {
      location = `s3://${loc.bucket}/${key}?versionId=${current.versionId}`;
    } else {
      await loc.s3.send(
        new CopyObjectCommand({
          Bucket: loc.bucket,
          Key: `${base}.backup`,
          CopySource: `${loc.bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
          ...this.sse,
        }),
      );
      location = `s3://${loc.bucket}/${base}.backup`;
    }
    const record = backupRecordOf(key, location, before, createdAt, by, kind);
    await loc.s3.send(
      new PutObjectCommand({
        Bucket: loc.bucket,
        Key: `${base}.json`,
        Body: JSON.stringify(record, null, 2),
        ...this.sse,
      }),
    );
    await this.prune(key).catch(() => undefined);
    return { record, before };
  }

  async backups(key: string): Promise<BackupRecord[]> {
    const loc = await this.locate(key);
    const prefix = `${this.options.backupPrefix}${key}.`;
    const records: BackupRecord[] = [];
    let token: string | undefined;
    do {
      const page = await loc.s3.send(
        new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key?.endsWith('.json')) continue;
        const body = await this.read(loc, o.Key);
        try {
          if (body) records.push(JSON.parse(body.bytes.toString('utf8')) as BackupRecord);
        } catch {
          // a sidecar that is not JSON names no backup; the others still do (the state guard reads them)
        }
      }
      token = page.NextContinuationToken;
    } while (token);
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Keeps the newest `keepLast` backups and any younger than `retentionDays`; versions stay to the
   * bucket's lifecycle. Works from the object names alone (their UTC stamps), so it costs one list.
   */
  async prune(key: string): Promise<void> {
    const loc = await this.locate(key);
    const prefix = `${this.options.backupPrefix}${key}.`;
    const stamps = new Set<string>();
    let token: string | undefined;
    do {
      const page = await loc.s3.send(
        new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const m = o.Key?.slice(prefix.length).match(/^(\d{8}T\d{6}\.\d{3}Z)\.(json|backup)$/);
        if (m) stamps.add(m[1]!);
      }
      token = page.NextContinuationToken;
    } while (token);
    const cutoff = stamp(new Date(Date.now() - this.options.retentionDays * 86_400_000));
    const old = [...stamps]
      .sort()
      .reverse()
      .slice(this.options.keepLast)
      .filter((s) => s < cutoff);
    for (const s of old) {
      for (const ext of ['backup', 'json']) {
        await loc.s3.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: `${prefix}${s}.${ext}` }));
      }
    }
  }

  /** The bytes of a backup. */
  async backupBytes(record: BackupRecord): Promise<Buffer> {
    const loc = await this.locate(record.key);
    const m = record.location?.match(/^s3:\/\/([^/]+)\/(.+?)(?:\?versionId=(.+))?$/);
    if (!m) throw new TfoError('TFO_ERR_NO_BACKUP', `backup of ${record.key} has no location`);
    const got = await this.read({ ...loc, bucket: m[1]! }, m[2]!, m[3]);
    if (!got) throw new TfoError('TFO_ERR_NO_BACKUP', `backup ${record.location} is gone`);
    return got.bytes;
  }

  /**
   * Writes a backup's bytes as the current state: a new version (history is never deleted), and
   * terraform's DynamoDB digest item updated so `terraform plan` accepts the state at once.
   */
  async restoreBytes(record: BackupRecord): Promise<void> {
    const loc = await this.locate(record.key);
    const bytes = await this.backupBytes(record);
    await loc.s3.send(new PutObjectCommand({ Bucket: loc.bucket, Key: record.key, Body: bytes, ...this.sse }));
    if (this.options.lock !== 'lockfile' && this.options.dynamodbTable) {
      const digest = createHash('md5').update(bytes).digest('hex');
      await (
        await this.clients.dynamodb(loc.roleArn)
      ).send(
        new PutItemCommand({
          TableName: this.options.dynamodbTable,
          Item: { LockID: { S: `${loc.bucket}/${record.key}-md5` }, Digest: { S: digest } },
        }),
      );
    }
  }

  async list(): Promise<StateSummary[]> {
    const seen = new Set<string>();
    const out: StateSummary[] = [];
    for (const account of this.accounts) {
      const bucket = bucketFor(this.options, account);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      const s3 = await this.clients.s3(this.roleFor(account));
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (!o.Key?.endsWith('.tfstate') || o.Key.startsWith(this.options.backupPrefix)) continue;
          const fp = await this.fingerprint(o.Key).catch(() => undefined);
          const last = (await this.backups(o.Key).catch(() => []))[0];
          out.push({
            key: o.Key,
            serial: fp?.serial,
            lastModified: o.LastModified?.toISOString(),
            lastBackup: last?.createdAt,
          });
        }
        token = page.NextContinuationToken;
      } while (token);
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async restore(
    key: string,
    options: { to?: string | undefined; force?: boolean | undefined; runId: string },
  ): Promise<RestoreResult> {
    return restoreFromBackups(this, key, options, async (b) => fingerprintBytes(await this.backupBytes(b)));
  }

  /**
   * Removes tfo's lease and terraform's locks of a key; a live lease is refused unless `force`
   * (see unlockKey).
   */
  async unlock(key: string, options: { force?: boolean | undefined } = {}): Promise<UnlockResult> {
    return unlockKey(this, key, options);
  }
}
