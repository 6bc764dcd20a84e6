import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor, TfoError } from '../src/errors.js';
import { acquireFileLock, lockFile, type LockHolder } from '../src/lock.js';

const KEY = 's3/acme-dev/us-east-1/web/terraform.tfstate';
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function locks(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-lock-'));
  dirs.push(dir);
  return path.join(dir, 'locks');
}

async function lockedError(promise: Promise<unknown>): Promise<TfoError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    return err as TfoError;
  }
  throw new Error('expected the lock to be refused');
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

describe('acquireFileLock', () => {
  it('writes a holder file that names this process and run', async () => {
    const dir = await locks();
    const lease = await acquireFileLock({ dir, key: KEY, runId: 'run-1', timeoutMs: 0 });
    const holder = JSON.parse(await readFile(lockFile(dir, KEY), 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), runId: 'run-1', key: KEY });
    expect(lease).toMatchObject({ key: KEY, holder: `${hostname()}:${process.pid}:run-1` });
    await lease.release();
    expect(existsSync(lockFile(dir, KEY))).toBe(false);
  });

  it('refuses a second acquire of one key with TFO_ERR_LOCKED naming the holder; free again after release', async () => {
    const dir = await locks();
    const first = await acquireFileLock({ dir, key: KEY, runId: 'run-first', timeoutMs: 0 });
    const err = await lockedError(acquireFileLock({ dir, key: KEY, runId: 'run-second', timeoutMs: 0 }));
    expect(err.code).toBe('TFO_ERR_LOCKED');
    expect(err.message).toContain(KEY);
    expect(err.message).toContain('run-first');
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(err.message).toContain(hostname());
    expect(exitCodeFor(err)).toBe(1);

    // another key is independent
    const other = await acquireFileLock({
      dir,
      key: 'kms/acme-dev/us-east-1/web/terraform.tfstate',
      runId: 'r',
      timeoutMs: 0,
    });
    await other.release();

    await first.release();
    await first.release(); // idempotent
    const second = await acquireFileLock({ dir, key: KEY, runId: 'run-second', timeoutMs: 0 });
    const holder = JSON.parse(await readFile(lockFile(dir, KEY), 'utf8')) as LockHolder;
    expect(holder.runId).toBe('run-second');
    await second.release();
  });

  it('a late release of an old lease does not remove a newer holder', async () => {
    const dir = await locks();
    const first = await acquireFileLock({ dir, key: KEY, runId: 'run-old', timeoutMs: 0 });
    // the lock was broken by hand (tfo state unlock) and taken by another run
    await rm(lockFile(dir, KEY));
    const second = await acquireFileLock({ dir, key: KEY, runId: 'run-new', timeoutMs: 0 });
    await first.release();
    expect(existsSync(lockFile(dir, KEY))).toBe(true);
    await lockedError(acquireFileLock({ dir, key: KEY, runId: 'run-third', timeoutMs: 0 }));
    await second.release();
  });

  it('breaks a lock left by a dead process on this host and reports it', async () => {
    const dir = await locks();
    const pid = await deadPid();
    const stale: LockHolder = {
      pid,
      host: hostname(),
      runId: 'run-crashed',
      key: KEY,
      since: '2020-01-01T00:00:00.000Z',
    };
    await mkdir(path.dirname(lockFile(dir, KEY)), { recursive: true });
    await writeFile(lockFile(dir, KEY), JSON.stringify(stale));

    const broken: LockHolder[] = [];
    const waited: LockHolder[] = [];
    const lease = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'run-new',
      timeoutMs: 0,
      onBreak: (h) => broken.push(h),
      onWait: (h) => waited.push(h),
    });
    expect(broken).toEqual([stale]);
    expect(waited).toEqual([]);
    const holder = JSON.parse(await readFile(lockFile(dir, KEY), 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, runId: 'run-new' });
    await lease.release();
  });

  it('does not break a lock of a process on another host', async () => {
    const dir = await locks();
    const pid = await deadPid();
    const remote: LockHolder = {
      pid,
      host: `not-${hostname()}`,
      runId: 'run-ci',
      key: KEY,
      since: new Date().toISOString(),
    };
    await mkdir(path.dirname(lockFile(dir, KEY)), { recursive: true });
    await writeFile(lockFile(dir, KEY), JSON.stringify(remote));
    const broken: LockHolder[] = [];
    const err = await lockedError(
      acquireFileLock({ dir, key: KEY, runId: 'run-new', timeoutMs: 0, onBreak: (h) => broken.push(h) }),
    );
    expect(err.code).toBe('TFO_ERR_LOCKED');
    expect(err.message).toContain('run-ci');
    expect(broken).toEqual([]);
  });

  it('waits for the holder: gets the lock once the first releases, and onWait is told once', async () => {
    const dir = await locks();
    const first = await acquireFileLock({ dir, key: KEY, runId: 'run-first', timeoutMs: 0 });
    const waited: LockHolder[] = [];
    const released = new Promise<number>((resolve) =>
      setTimeout(() => void first.release().then(() => resolve(Date.now())), 300),
    );
    const second = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'run-second',
      timeoutMs: 2000,
      onWait: (h) => waited.push(h),
    });
    const acquiredAt = Date.now();
    expect(acquiredAt).toBeGreaterThanOrEqual(await released);
    expect(waited).toHaveLength(1);
    expect(waited[0]).toMatchObject({ runId: 'run-first', pid: process.pid });
    const holder = JSON.parse(await readFile(lockFile(dir, KEY), 'utf8')) as LockHolder;
    expect(holder.runId).toBe('run-second');
    await second.release();
  });

  it('gives up with TFO_ERR_LOCKED when the holder keeps the lock past the timeout', async () => {
    const dir = await locks();
    const first = await acquireFileLock({ dir, key: KEY, runId: 'run-first', timeoutMs: 0 });
    const waited: LockHolder[] = [];
    const err = await lockedError(
      acquireFileLock({ dir, key: KEY, runId: 'run-2', timeoutMs: 200, pollMs: 20, onWait: (h) => waited.push(h) }),
    );
    expect(err.code).toBe('TFO_ERR_LOCKED');
    expect(waited).toHaveLength(1);
    await first.release();
  });

  it('stops waiting when its signal aborts', async () => {
    const dir = await locks();
    const first = await acquireFileLock({ dir, key: KEY, runId: 'run-first', timeoutMs: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await lockedError(
      acquireFileLock({ dir, key: KEY, runId: 'run-2', timeoutMs: 60_000, pollMs: 20, signal: controller.signal }),
    );
    expect(err.code).toBe('TFO_ERR_LOCKED');
    await first.release();
  });
});
