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
  onBreak?: ((holder: LeaseHolder) => void) | undefined;
  pollMs?: number | undefined;
}

function status(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

async function readHolder(o: S3LeaseOptions): Promise<LeaseHolder | undefined> {
  try {
    const out = await o.s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: o.object }));
    return JSON.parse(await out.Body!.transformToString()) as LeaseHolder;
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
      await o.s3.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: o.object,
          Body: JSON.stringify(me),
          IfNoneMatch: '*',
          ContentType: 'application/json',
          ...o.sse,
        }),
      );
      return held(o, me);
    } catch (err) {
      // 412: someone holds it; 409: a concurrent conditional write is in flight
      if (status(err) !== 412 && status(err) !== 409) throw err;
    }
    const holder = await readHolder(o);
    if (holder && Date.parse(holder.expiresAt) < Date.now()) {
      o.onBreak?.(holder);
      await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.object }));
      continue;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new TfoError(
        'TFO_ERR_LOCKED',
        holder
          ? `state key ${o.key} is leased by run ${holder.runId} (pid ${holder.pid} on ${holder.host}) until ${holder.expiresAt}`
          : `state key ${o.key} lease could not be taken`,
        { file: `s3://${o.bucket}/${o.object}` },
      );
    }
    if (holder && !told) {
      told = true;
      o.onWait?.(holder);
    }
    await sleep(o.pollMs ?? 1000);
  }
}

function held(o: S3LeaseOptions, me: LeaseHolder): Lease {
  let released = false;
  // renew at a third of the TTL, so a live holder is never taken for a silent one
  const timer = setInterval(
    () => {
      const renewed = { ...me, expiresAt: new Date(Date.now() + o.ttlMs).toISOString() };
      o.s3
        .send(new PutObjectCommand({ Bucket: o.bucket, Key: o.object, Body: JSON.stringify(renewed), ...o.sse }))
        .catch(() => undefined);
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
      const current = await readHolder(o).catch(() => undefined);
      if (!current || (current.runId === me.runId && current.pid === me.pid)) {
        await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.object }));
      }
    },
  };
}
