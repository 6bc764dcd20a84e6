import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { processStartTime, processState } from '@tfo/engine/state';
import { TfoError, type Lease } from '@tfo/engine';

export interface LeaseHolder {
  runId: string;
  pid: number;
  host: string;
  /** The pid's start time (/proc/<pid>/stat field 22): on its host, a gone or reused pid is seen at once. */
  pidStart?: string | undefined;
  /** The holder's pid namespace (`pid:[inode]`): its pid is only judged from the same namespace. */
  pidNs?: string | undefined;
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

/** This process's pid namespace (`pid:[inode]`), undefined where /proc does not tell. */
export function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** Whether a lease may be broken, and why (in words, for the break and for unlock). */
export interface LeaseStatus {
  stale: boolean;
  why: string;
}

/**
 * Judges a lease's holder. Stale when silent past its `expiresAt`; or, at once, when the holder is
 * on this host (same pid namespace) and recorded its pid's start time, and that pid is gone or is
 * another process now. A lease of another host, another pid namespace (a container sharing the
 * host name), or written without `pidStart` (an older tfo) keeps the TTL rule alone.
 */
export function leaseStatus(h: Partial<LeaseHolder>, now = Date.now()): LeaseStatus {
  if (Date.parse(h.expiresAt ?? '') < now) return { stale: true, why: `silent since ${h.expiresAt}` };
  const live = `renewed within its TTL, expires ${h.expiresAt}`;
  const pid = h.pid;
  const judged =
    h.host === hostname() &&
    h.pidStart !== undefined &&
    h.pidNs !== undefined &&
    h.pidNs === pidNamespace() &&
    typeof pid === 'number' &&
    Number.isInteger(pid) &&
    pid > 0;
  if (!judged) return { stale: false, why: live };
  // 'hidden': another user's process this user may not see; it may be alive, so the TTL decides
  const state = processState(pid, h.pidStart);
  if (state === 'gone') return { stale: true, why: `pid ${pid} is gone on ${h.host}` };
  if (state === 'hidden') return { stale: false, why: `pid ${pid} on ${h.host} cannot be inspected; ${live}` };
  if (state === 'reused') {
    return {
      stale: true,
      why: `pid ${pid} on ${h.host} is another process now (started at tick ${processStartTime(pid) ?? '?'}, the holder at ${h.pidStart})`,
    };
  }
  return { stale: false, why: `pid ${pid} is alive on ${h.host} with the same start time; ${live}` };
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
  /** A stale lease (holder gone, or silent past its TTL) was broken: report (and audit) it, with why. */
  onBreak?: ((holder: LeaseHolder, why: string) => unknown) | undefined;
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
 * The holder renews it; a stale lease (see leaseStatus) is broken (and reported).
 */
export async function acquireS3Lease(o: S3LeaseOptions): Promise<Lease> {
  const deadline = Date.now() + o.waitMs;
  const pidStart = processStartTime(process.pid);
  const pidNs = pidNamespace();
  let told = false;
  for (;;) {
    const now = Date.now();
    const me: LeaseHolder = {
      runId: o.runId,
      pid: process.pid,
      host: hostname(),
      ...(pidStart !== undefined && pidNs !== undefined ? { pidStart, pidNs } : {}),
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
    const judged = holder && leaseStatus(holder);
    if (holder && judged?.stale) {
      // only the stale lease that was read is broken: a fresh one taken meanwhile has another ETag
      try {
        const { etag, ...stale } = holder;
        await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.object, IfMatch: etag }));
        await o.onBreak?.(stale, judged.why);
      } catch (err) {
        if (status(err) !== 412 && status(err) !== 404) throw err;
      }
      continue;
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new TfoError(
        'TFO_ERR_LOCKED',
        holder
          ? `state key ${o.key} is leased by ${describeLease(holder)}: ${judged?.why}. ` +
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
