// acquireS3Lease against a real moto server: conditional writes (If-None-Match: *) decide who holds a key.
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Lease } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { acquireS3Lease, type LeaseHolder, type S3LeaseOptions } from '../src/lease.js';
import { createBucket, getText, s3Client, useTestCredentials } from './support.js';

const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';

let moto: MotoServer;
let s3: S3Client;

beforeAll(async () => {
  useTestCredentials();
  moto = await startMoto();
  s3 = s3Client(moto.endpoint);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function bucket(versioned = true): Promise<string> {
  const name = `tfo-leases-${randomUUID().slice(0, 8)}`;
  await createBucket(s3, name, versioned);
  return name;
}

function opts(b: string, extra: Partial<S3LeaseOptions> = {}): S3LeaseOptions {
  return {
    s3,
    bucket: b,
    object: `tfo-leases/${KEY}.lease`,
    key: KEY,
    runId: `run-${randomUUID().slice(0, 6)}`,
    ttlMs: 60_000,
    waitMs: 0,
    sse: { ServerSideEncryption: 'AES256' },
    pollMs: 200,
    ...extra,
  };
}

describe('acquireS3Lease', () => {
  it('a second acquirer with waitMs 0 fails TFO_ERR_LOCKED naming the holder', async () => {
    const b = await bucket();
    const first = await acquireS3Lease(opts(b, { runId: 'run-first' }));
    try {
      const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
      expect(held).toMatchObject({ runId: 'run-first', pid: process.pid, key: KEY });
      const second = acquireS3Lease(opts(b, { runId: 'run-second' }));
      await expect(second).rejects.toMatchObject({ code: 'TFO_ERR_LOCKED' });
      await expect(second).rejects.toThrow(/run-first/);
      await expect(second).rejects.toThrow(new RegExp(`pid ${process.pid}`));
    } finally {
      await first.release();
    }
    expect(await getText(s3, b, `tfo-leases/${KEY}.lease`)).toBeUndefined();
  });

  it('a waiting acquirer is told who holds it and gets the lease once the first releases', async () => {
    const b = await bucket();
    const first = await acquireS3Lease(opts(b, { runId: 'run-first' }));
    const waitedFor: LeaseHolder[] = [];
    const order: string[] = [];
    const second = acquireS3Lease(
      opts(b, { runId: 'run-second', waitMs: 20_000, onWait: (h) => waitedFor.push(h) }),
    ).then((l) => {
      order.push('second acquired');
      return l;
    });
    // let the second one find the lease held and start waiting
    for (let i = 0; i < 100 && waitedFor.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(waitedFor.map((h) => h.runId)).toEqual(['run-first']);
    order.push('first releasing');
    await first.release();
    const lease = await second;
    try {
      expect(order).toEqual(['first releasing', 'second acquired']);
      const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
      expect(held.runId).toBe('run-second');
    } finally {
      await lease.release();
    }
  });

  it('breaks a lease whose expiresAt is past, and calls onBreak with the silent holder', async () => {
    const b = await bucket();
    const stale: LeaseHolder = {
      runId: 'run-dead',
      pid: 999_999,
      host: 'gone-host',
      key: KEY,
      acquiredAt: new Date(Date.now() - 600_000).toISOString(),
      expiresAt: new Date(Date.now() - 300_000).toISOString(),
    };
    await s3.send(new PutObjectCommand({ Bucket: b, Key: `tfo-leases/${KEY}.lease`, Body: JSON.stringify(stale) }));
    const broken: LeaseHolder[] = [];
    const lease = await acquireS3Lease(opts(b, { runId: 'run-new', onBreak: (h) => broken.push(h) }));
    try {
      expect(broken).toEqual([stale]);
      const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
      expect(held.runId).toBe('run-new');
    } finally {
      await lease.release();
    }
  });

  it('does not break a lease that has not expired', async () => {
    const b = await bucket();
    const live: LeaseHolder = {
      runId: 'run-live',
      pid: 1,
      host: 'other',
      key: KEY,
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    };
    await s3.send(new PutObjectCommand({ Bucket: b, Key: `tfo-leases/${KEY}.lease`, Body: JSON.stringify(live) }));
    let brokeIt = false;
    await expect(acquireS3Lease(opts(b, { onBreak: () => (brokeIt = true) }))).rejects.toMatchObject({
      code: 'TFO_ERR_LOCKED',
    });
    expect(brokeIt).toBe(false);
  });

  for (const versioned of [true, false]) {
    it(`10 acquirers racing with waitMs 0: exactly one wins (${versioned ? 'versioned' : 'unversioned'} bucket)`, async () => {
      const b = await bucket(versioned);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => acquireS3Lease(opts(b, { runId: `racer-${i}` }))),
      );
      const won = results.filter((r): r is PromiseFulfilledResult<Lease> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      try {
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const l of lost) expect((l.reason as { code?: string }).code, String(l.reason)).toBe('TFO_ERR_LOCKED');
        const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
        expect(won[0]!.value.holder).toContain(held.runId);
      } finally {
        await Promise.all(won.map((w) => w.value.release()));
      }
    });
  }
});
