import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { TfoError, type Lease } from '@tfo/engine';

export interface LeaseHolder {
  runId: string;
  pid: number;
  host: string;
  key: string;
  acquiredAt: string;
  /** The holder renews this; past it, the lease may be broken. */
  expiresAt: string;
  /** The last renewal (the heartbeat); absent until the first. */
  renewedAt?: string | undefined;
}

/** Who holds a lease, for people: run, pid, host, since, last heartbeat, expiry. */
export function describeLease(h: Partial<LeaseHolder>): string {
  return (
    `run ${h.runId ?? '?'} (pid ${h.pid ?? '?'} on ${h.host ?? '?'}, since ${h.acquiredAt ?? '?'}, ` +
    `last heartbeat ${h.renewedAt ?? h.acquiredAt ?? '?'}, expires ${h.expiresAt ?? '?'})`
  );
}

export interface S3LeaseOptions {
  s3: S3Client;
  bucket: string;
  /** Object key of the lease (`tfo-leases/<state key>.lease`). */
  object: string;
  key: string;
  runId: string;
  ttlMs: number;
  waitMs: number;
  signal?: AbortSignal | undefined;
  sse: { ServerSideEncryption: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string | undefined };
  onWait?: ((holder: LeaseHolder) => void) | undefined;
  /** A lease whose holder went silent past its TTL was broken: report (and audit) it. */
  onBreak?: ((holder: LeaseHolder) => unknown) | undefined;
  /** The lease was taken over while held (this holder was silent past its TTL). */
  onLost?: (() => void) | undefined;
  pollMs?: number | undefined;
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** The current lease object and its ETag (conditional writes and deletes are keyed on it). */
async function readHolder(o: S3LeaseOptions): Promise<(LeaseHolder & { etag?: string | undefined }) | undefined> {
  try {
    const out = await o.s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: o.object }));
    return { ...(JSON.parse(await out.Body!.transformToString()) as LeaseHolder), etag: out.ETag };
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw err;
  }
}

/**
 * tfo's lease on a state key for the whole plan → apply → verify → recover sequence, beside
 * terraform's own lock: an S3 object written with `If-None-Match: *`, so exactly one writer wins.
 * The holder renews it; a lease silent past its TTL is broken (and reported).
 */
export async function acquireS3Lease(o: S3LeaseOptions): Promise<Lease> {
  const deadline = Date.now() + o.waitMs;
  let told = false;
  for (;;) {
    const now = Date.now();
    const me: LeaseHolder = {
      runId: o.runId,
      pid: process.pid,
      host: hostname(),
      key: o.key,
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + o.ttlMs).toISOString(),
    };
    try {
      const put = await o.s3.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: o.object,
          Body: JSON.stringify(me),
          IfNoneMatch: '*',
          ContentType: 'application/json',
          ...o.sse,
        }),
      );
      return held(o, me, put.ETag);
    } catch (err) {
      // 412: someone holds it; 409: a concurrent conditional write is in flight
      if (status(err) !== 412 && status(err) !== 409) throw err;
    }
    const holder = await readHolder(o);
    if (holder && Date.parse(holder.expiresAt) < Date.now()) {
      // only the silent lease that was read is broken: a fresh one taken meanwhile has another ETag
      try {
        const { etag, ...silent } = holder;
        await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.object, IfMatch: etag }));
        await o.onBreak?.(silent);
      } catch (err) {
        if (status(err) !== 412 && status(err) !== 404) throw err;
      }
      continue;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new TfoError(
        'TFO_ERR_LOCKED',
        holder
          ? `state key ${o.key} is leased by ${describeLease(holder)}, renewed within its TTL. ` +
            `Wait for that run; if it is gone, \`tfo state unlock ${o.key}\` (add --force for a lease that still looks live)`
          : `state key ${o.key} lease could not be taken`,
        { file: `s3://${o.bucket}/${o.object}` },
      );
    }
    if (holder && !told) {
      told = true;
      o.onWait?.(holder);
    }
    await sleep(o.pollMs ?? 1000, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

function held(o: S3LeaseOptions, me: LeaseHolder, firstEtag: string | undefined): Lease {
  let released = false;
  let etag = firstEtag;
  // renew at a third of the TTL, only over our own last write: a holder that was broken while
  // paused never overwrites the one that holds the lease now
  const timer = setInterval(
    () => {
      const now = Date.now();
      const renewed = {
        ...me,
        renewedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + o.ttlMs).toISOString(),
      };
      o.s3
        .send(
          new PutObjectCommand({
            Bucket: o.bucket,
            Key: o.object,
            Body: JSON.stringify(renewed),
            IfMatch: etag,
            ...o.sse,
          }),
        )
        .then(
          (out) => {
            etag = out.ETag;
          },
          (err: unknown) => {
            if (status(err) === 412 || status(err) === 404) {
              clearInterval(timer);
              o.onLost?.();
            }
          },
        );
    },
    Math.max(1000, Math.floor(o.ttlMs / 3)),
  );
  timer.unref();
  return {
    key: o.key,
    holder: `${me.host}:${me.pid}:${me.runId}`,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.object, IfMatch: etag }));
      } catch (err) {
        // 412: the lease is no longer ours (broken and retaken); leave the new holder's alone
        if (status(err) !== 412 && status(err) !== 404) throw err;
      }
    },
  };
}
