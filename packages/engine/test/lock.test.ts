import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor, TfoError } from '../src/errors.js';
import { acquireFileLock, inspectLock, lockFile, type LockHolder } from '../src/state/lock.js';
import { processStartTime } from '../src/run/proc.js';
import { LocalStateStore } from '../src/state/local-state.js';

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

/** Plants a lock file as another process left it; returns its path. */
async function plantHolder(dir: string, holder: LockHolder): Promise<string> {
  const file = lockFile(dir, KEY);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(holder));
  return file;
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
    await plantHolder(dir, stale);

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
    await plantHolder(dir, remote);
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

  it('records its pid start time and TTL, and renews its heartbeat (the file mtime) while held', async () => {
    const dir = await locks();
    const lease = await acquireFileLock({ dir, key: KEY, runId: 'run-hb', timeoutMs: 0, ttlMs: 600 });
    const file = lockFile(dir, KEY);
    const holder = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
    expect(holder.pidStart).toBe(processStartTime(process.pid));
    expect(holder.ttlSeconds).toBe(1);
    const old = new Date(Date.now() - 3_600_000);
    await utimes(file, old, old);
    await new Promise((r) => setTimeout(r, 450));
    expect(Date.now() - (await stat(file)).mtimeMs).toBeLessThan(1000);
    expect((await inspectLock(file))?.stale).toBe(false);
    await lease.release();
  });

  it('breaks a lock whose pid is alive but was reused (another start time)', async () => {
    const dir = await locks();
    const reused: LockHolder = {
      pid: process.pid,
      host: hostname(),
      pidStart: '1',
      runId: 'run-old',
      key: KEY,
      since: '2020-01-01T00:00:00.000Z',
      ttlSeconds: 300,
    };
    await plantHolder(dir, reused);
    const why: string[] = [];
    const lease = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'run-new',
      timeoutMs: 0,
      onBreak: (_h, s) => void why.push(s.why),
    });
    expect(why).toHaveLength(1);
    expect(why[0]).toContain('another process now');
    await lease.release();
  });

  it('breaks a lock of another host whose heartbeat is older than its TTL', async () => {
    const dir = await locks();
    const remote: LockHolder = {
      pid: 1,
      host: `not-${hostname()}`,
      runId: 'run-ci',
      key: KEY,
      since: 'x',
      ttlSeconds: 60,
    };
    const file = await plantHolder(dir, remote);
    const old = new Date(Date.now() - 120_000);
    await utimes(file, old, old);
    const broken: string[] = [];
    const lease = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'r',
      timeoutMs: 0,
      onBreak: (_h, s) => void broken.push(s.why),
    });
    expect(broken[0]).toMatch(/another host, no heartbeat for 12\d s \(TTL 60 s\)/);
    await lease.release();
  });

  it('waits for a live lock of another host, then fails naming the holder, its heartbeat and the unlock hint', async () => {
    const dir = await locks();
    const remote: LockHolder = {
      pid: 1,
      host: `not-${hostname()}`,
      runId: 'run-ci',
      key: KEY,
      since: 'x',
      ttlSeconds: 60,
    };
    const file = await plantHolder(dir, remote);
    const err = await lockedError(acquireFileLock({ dir, key: KEY, runId: 'r', timeoutMs: 100, pollMs: 20 }));
    expect(err.code).toBe('TFO_ERR_LOCKED');
    expect(err.message).toContain('run run-ci (pid 1 on not-');
    expect(err.message).toContain('last heartbeat 20');
    expect(err.message).toContain(`tfo state unlock ${KEY}`);
    expect(existsSync(file)).toBe(true);
  });

  it('breaks the lock of a live holder on this host silent past its TTL; the holder learns it lost it and never takes it back', async () => {
    const dir = await locks();
    const file = lockFile(dir, KEY);
    let lost = 0;
    const first = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'run-paused',
      timeoutMs: 0,
      ttlMs: 3000,
      onLost: () => (lost += 1),
    });
    // as if paused for an hour
    const old = new Date(Date.now() - 3_600_000);
    await utimes(file, old, old);
    const broken: string[] = [];
    const second = await acquireFileLock({
      dir,
      key: KEY,
      runId: 'run-next',
      timeoutMs: 0,
      ttlMs: 3_600_000,
      onBreak: (_h, s) => void broken.push(s.why),
    });
    expect(broken[0]).toContain('alive but silent');
    const before = (await stat(file)).mtimeMs;
    await new Promise((r) => setTimeout(r, 1200));
    expect(lost).toBe(1);
    // the first holder's renewals touched only its own (removed) file
    expect((await stat(file)).mtimeMs).toBe(before);
    await first.release();
    expect((JSON.parse(await readFile(file, 'utf8')) as LockHolder).runId).toBe('run-next');
    await second.release();
  });
});

describe('LocalStateStore.unlock', () => {
  async function storeWith(holder: LockHolder | undefined): Promise<{ store: LocalStateStore; file: string }> {
    const root = path.dirname(await locks());
    const store = new LocalStateStore(root, {} as never);
    const file = lockFile(store.lockRoot, KEY);
    if (holder) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(holder));
    }
    return { store, file };
  }

  it('refuses a live holder with TFO_ERR_LOCK_LIVE naming it, and removes it with force', async () => {
    const { store, file } = await storeWith(undefined);
    const lease = await acquireFileLock({ dir: store.lockRoot, key: KEY, runId: 'run-live', timeoutMs: 0 });
    const err = await lockedError(store.unlock(KEY));
    expect(err.code).toBe('TFO_ERR_LOCK_LIVE');
    expect(err.message).toContain('run run-live');
    expect(err.message).toContain('with the same start time');
    expect(existsSync(file)).toBe(true);
    const out = await store.unlock(KEY, { force: true });
    expect(out).toMatchObject({ removed: true, holder: { runId: 'run-live' } });
    expect(out.reason).toContain('removed with --force');
    expect(existsSync(file)).toBe(false);
    await lease.release();
  });

  it('removes a stale lock (pid gone) without force, and says there is none after', async () => {
    const { store, file } = await storeWith({
      pid: await deadPid(),
      host: hostname(),
      runId: 'run-dead',
      key: KEY,
      since: 'x',
    });
    const out = await store.unlock(KEY);
    expect(out.removed).toBe(true);
    expect(out.reason).toMatch(/^stale: pid \d+ is gone/);
    expect(out.holderText).toContain('run run-dead');
    expect(existsSync(file)).toBe(false);
    expect(await store.unlock(KEY)).toEqual({ removed: false });
  });
});
