import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { TfoError, type UnlockResult } from '@tfo/engine';
import { httpStatus } from '@tfo/aws';
import { describeLease, leaseStatus, type LeaseHolder } from './lease.js';
import type { KeyLocation, S3StateStore } from './s3-state-store.js';

/**
 * Removes tfo's lease and terraform's locks (lock file and DynamoDB item) of a key. A lease
 * renewed within its TTL is live, unless its holder is provably gone (see leaseStatus): refused
 * (TFO_ERR_LOCK_LIVE) unless `force`.
 */
export async function unlockKey(
  store: S3StateStore,
  key: string,
  options: { force?: boolean | undefined } = {},
): Promise<UnlockResult> {
  const loc = await store.locate(key);
  const leaseKey = `${store.options.leasePrefix}${key}.lease`;
  const lease = await readLease(loc, leaseKey);
  const judged = lease && leaseStatus(lease.holder);
  const live = judged !== undefined && !judged.stale;
  const holderText = lease && describeLease(lease.holder);
  const file = `s3://${loc.bucket}/${leaseKey}`;
  if (lease && live && !options.force) {
    throw new TfoError(
      'TFO_ERR_LOCK_LIVE',
      `refused: the lease of ${key} is held by ${holderText}, which is live (${judged?.why})`,
      { file },
    );
  }
  if (lease) {
    try {
      // not forced: only the stale lease that was read (a renewal meanwhile has another ETag)
      await loc.s3.send(
        new DeleteObjectCommand({
          Bucket: loc.bucket,
          Key: leaseKey,
          IfMatch: options.force ? undefined : lease.etag,
        }),
      );
    } catch (err) {
      if (httpStatus(err) === 412) {
        throw new TfoError('TFO_ERR_LOCK_LIVE', `refused: the lease of ${key} was renewed while unlocking`, { file });
      }
      if (httpStatus(err) !== 404) throw err;
    }
  }
  const lockFile = await store.read(loc, `${key}.tflock`);
  await loc.s3.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: `${key}.tflock` }));
  let lockItem: string | undefined;
  if (store.options.lock !== 'lockfile' && store.options.dynamodbTable) {
    const out = await (
      await store.clients.dynamodb(loc.roleArn)
    ).send(
      new DeleteItemCommand({
        TableName: store.options.dynamodbTable,
        Key: { LockID: { S: `${loc.bucket}/${key}` } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    lockItem = out.Attributes ? (out.Attributes.Info?.S ?? 'a DynamoDB lock item') : undefined;
  }
  const holder = lease ? lease.holder : (lockFile?.bytes.toString('utf8') ?? lockItem);
  const reason = !lease
    ? "terraform's lock only (no tfo lease)"
    : live
      ? `live (expires ${lease.holder.expiresAt}), removed with --force`
      : Date.parse(lease.holder.expiresAt) < Date.now()
        ? `stale: not renewed since it expired at ${lease.holder.expiresAt}`
        : `stale: ${judged?.why}`;
  return { removed: Boolean(lease || lockFile || lockItem), holder, holderText, reason };
}

/** tfo's lease object of a key, with its ETag (undefined when there is none or it is unreadable). */
async function readLease(
  loc: KeyLocation,
  leaseKey: string,
): Promise<{ holder: LeaseHolder; etag?: string } | undefined> {
  try {
    const out = await loc.s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: leaseKey }));
    const holder = JSON.parse(await out.Body!.transformToString()) as LeaseHolder;
    return { holder, etag: out.ETag };
  } catch (err) {
    if (httpStatus(err) === 404) return undefined;
    if (err instanceof SyntaxError) return { holder: { expiresAt: new Date(0).toISOString() } as LeaseHolder };
    throw err;
  }
}
