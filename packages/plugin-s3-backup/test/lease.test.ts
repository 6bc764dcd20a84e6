// acquireS3Lease against a real moto server: conditional writes (If-None-Match: *) decide who holds a key.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { processStartTime } from '@tfo/engine/state';
import { type Lease } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { acquireS3Lease, pidNamespace, type LeaseHolder, type S3LeaseOptions } from '../src/lease.js';
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

  describe('a holder on this host that is provably gone', () => {
    /** A pid that was alive (with its start time) and has exited since. */
    async function deadPid(): Promise<{ pid: number; pidStart: string }> {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await once(child, 'spawn');
      const pidStart = processStartTime(child.pid!);
      expect(pidStart, 'the child start time from /proc').toBeDefined();
      child.kill('SIGKILL');
      await once(child, 'exit');
      return { pid: child.pid!, pidStart: pidStart! };
    }

    /** A lease far from its expiry (the TTL alone would keep it 5 minutes). */
    function leaseOf(extra: Partial<LeaseHolder>): LeaseHolder {
      return {
        runId: 'run-held',
        pid: process.pid,
        host: hostname(),
        pidStart: processStartTime(process.pid),
        pidNs: pidNamespace(),
        key: KEY,
        acquiredAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
        ...extra,
      };
    }

    async function put(b: string, holder: LeaseHolder): Promise<void> {
      await s3.send(new PutObjectCommand({ Bucket: b, Key: `tfo-leases/${KEY}.lease`, Body: JSON.stringify(holder) }));
    }

    /** Tries to take the lease, waiting up to waitMs; what was broken (with why) and what was waited for. */
    interface Taken {
      /** The lease as this acquirer wrote it, when it took the key. */
      took?: LeaseHolder;
      err?: Error & { code?: string };
      broken: Array<{ holder: LeaseHolder; why: string }>;
      waited: LeaseHolder[];
      ms: number;
    }

    async function take(b: string, waitMs: number): Promise<Taken> {
      const broken: Array<{ holder: LeaseHolder; why: string }> = [];
      const waited: LeaseHolder[] = [];
      const started = Date.now();
      const outcome: Pick<Taken, 'took' | 'err'> = await acquireS3Lease(
        opts(b, {
          runId: 'run-next',
          waitMs,
          onBreak: (holder, why) => broken.push({ holder, why }),
          onWait: (h) => waited.push(h),
        }),
      ).then(
        async (lease) => {
          const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
          await lease.release();
          return { took: held };
        },
        (err: unknown) => ({ err: err as Error & { code?: string } }),
      );
      return { ...outcome, broken, waited, ms: Date.now() - started };
    }

    it('the lease takes pidStart and pidNs beside pid and host', async () => {
      const b = await bucket();
      const lease = await acquireS3Lease(opts(b));
      try {
        const held = JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!) as LeaseHolder;
        expect(held).toMatchObject({
          pid: process.pid,
          host: hostname(),
          pidStart: processStartTime(process.pid),
          pidNs: pidNamespace(),
        });
        expect(held.pidStart).toMatch(/^\d+$/);
      } finally {
        await lease.release();
      }
    });

    it('a lease of this host whose pid is gone is broken at once, long before its expiry', async () => {
      const b = await bucket();
      const dead = leaseOf(await deadPid());
      await put(b, dead);
      const out = await take(b, 20_000);
      expect(out.err).toBeUndefined();
      expect(out.took?.runId).toBe('run-next');
      expect(out.broken).toEqual([{ holder: dead, why: `pid ${dead.pid} is gone on ${hostname()}` }]);
      expect(out.waited).toEqual([]);
      expect(out.ms).toBeLessThan(5000);
    });

    it('a lease of this host whose pid is alive with the same start time is waited for', async () => {
      const b = await bucket();
      await put(b, leaseOf({}));
      const out = await take(b, 1500);
      expect(out.err?.code).toBe('TFO_ERR_LOCKED');
      expect(out.err?.message).toContain(`pid ${process.pid} is alive on ${hostname()} with the same start time`);
      expect(out.broken).toEqual([]);
      expect(out.waited.map((h) => h.runId)).toEqual(['run-held']);
      expect(out.ms).toBeGreaterThanOrEqual(1500);
      expect(JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!)).toMatchObject({ runId: 'run-held' });
    });

    it('a lease of this host whose pid is alive but another process now (another start time) is broken', async () => {
      const b = await bucket();
      const reused = leaseOf({ pidStart: String(Number(processStartTime(process.pid)) + 1) });
      await put(b, reused);
      const out = await take(b, 20_000);
      expect(out.took?.runId).toBe('run-next');
      expect(out.broken).toHaveLength(1);
      expect(out.broken[0]!.why).toContain(`pid ${process.pid} on ${hostname()} is another process now`);
      expect(out.ms).toBeLessThan(5000);
    });

    it("another host's lease with a pid that looks dead here keeps the TTL rule", async () => {
      const b = await bucket();
      await put(b, leaseOf({ ...(await deadPid()), host: `not-${hostname()}` }));
      const out = await take(b, 1000);
      expect(out.err?.code).toBe('TFO_ERR_LOCKED');
      expect(out.broken).toEqual([]);
      expect(JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!)).toMatchObject({ runId: 'run-held' });
    });

    it('a lease of this host written without pidStart (an older tfo), or from another pid namespace, keeps the TTL rule', async () => {
      for (const extra of [{ pidStart: undefined }, { pidNs: 'pid:[1]' }]) {
        const b = await bucket();
        await put(b, leaseOf({ ...(await deadPid()), ...extra }));
        const out = await take(b, 0);
        expect(out.err?.code, JSON.stringify(extra)).toBe('TFO_ERR_LOCKED');
        expect(out.broken).toEqual([]);
      }
    });

    it('a dead holder whose lease was replaced meanwhile: the fresh lease is never removed', async () => {
      const b = await bucket();
      const dead = leaseOf(await deadPid());
      await put(b, dead);
      // a fresh, live lease written between reading the dead one and deleting it: the delete is
      // conditional on the dead one's ETag, so it fails and the fresh one stays
      const fresh = leaseOf({ runId: 'run-fresh' });
      let raced = false;
      const lease = acquireS3Lease(
        opts(b, {
          runId: 'run-next',
          waitMs: 1000,
          s3: new Proxy(s3, {
            get(target, prop, receiver) {
              if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
              return async (cmd: { constructor: { name: string } }) => {
                if (cmd.constructor.name === 'DeleteObjectCommand' && !raced) {
                  raced = true;
                  await put(b, fresh);
                }
                return target.send(cmd as never);
              };
            },
          }),
        }),
      );
      await expect(lease).rejects.toMatchObject({ code: 'TFO_ERR_LOCKED' });
      expect(raced).toBe(true);
      expect(JSON.parse((await getText(s3, b, `tfo-leases/${KEY}.lease`))!)).toMatchObject({ runId: 'run-fresh' });
    });
  });
});
