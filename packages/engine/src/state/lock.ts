import { mkdir, open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TfoError } from '../errors.js';
import { processStartTime, processState } from '../run/proc.js';
import type { Lease } from '../model.js';

/** What a lock file holds. Its heartbeat is the file's mtime, renewed by the holder while held. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The pid's start time (/proc/<pid>/stat field 22): a reused pid has another. */
  pidStart?: string | undefined;
  runId: string;
  key: string;
  since: string;
  /** How long the holder may go without renewing its heartbeat before the lock is stale. */
  ttlSeconds?: number | undefined;
}

/** A lock as found: its holder, last heartbeat, and whether that holder is provably gone. */
export interface LockStatus {
  holder: LockHolder;
  /** ISO time of the last heartbeat (the file's mtime). */
  heartbeat: string;
  /** Stale: the holder is gone (pid gone or reused on this host) or silent past its TTL. */
  stale: boolean;
  /** Why it is stale, or why it is live, in words. */
  why: string;
  /** The lock file's inode: a lock is only broken if it is still the one judged. */
  ino: number;
}

/** TTL of a lock file that does not name its own (written before locks had heartbeats). */
export const DEFAULT_LOCK_TTL_MS = 300_000;

export interface FileLockOptions {
  /** `.tfo/locks` */
  dir: string;
  key: string;
  runId: string;
  timeoutMs: number;
  /** How long this holder may go without a heartbeat (renewed every third of it). Default 300 s. */
  ttlMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Told once when the lock is busy and we start waiting. */
  onWait?: ((holder: LockHolder, status: LockStatus) => void) | undefined;
  /** A stale lock was broken: report and audit it (a promise it returns is awaited). */
  onBreak?: ((holder: LockHolder, status: LockStatus) => unknown) | undefined;
  /** The lock was broken or removed by someone else while this holder held it. */
  onLost?: (() => void) | undefined;
  pollMs?: number | undefined;
}

export function lockFile(dir: string, key: string): string {
  return path.join(dir, `${key}.lock`);
}

export async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/**
 * Reads a lock file and judges its holder. Same host: stale when the pid is gone (or a zombie) or
 * was reused (another start time). Any host: stale when the heartbeat is older than the lock's TTL.
 * Undefined when there is no lock file, or it holds no holder (being written, or garbage).
 */
export async function inspectLock(file: string, defaultTtlMs = DEFAULT_LOCK_TTL_MS): Promise<LockStatus | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  let holder: LockHolder;
  let st;
  try {
    st = await handle.stat();
    holder = JSON.parse(await handle.readFile('utf8')) as LockHolder;
    if (typeof holder?.pid !== 'number' || typeof holder.host !== 'string') return undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
  const ttlMs = holder.ttlSeconds ? holder.ttlSeconds * 1000 : defaultTtlMs;
  const age = Date.now() - st.mtimeMs;
  const base = { holder, heartbeat: st.mtime.toISOString(), ino: st.ino };
  const silent = `no heartbeat for ${seconds(age)} (TTL ${seconds(ttlMs)})`;
  if (holder.host === hostname()) {
    // 'hidden' (another user's process /proc does not show) may be alive: the heartbeat decides
    const state = processState(holder.pid, holder.pidStart || undefined);
    if (state === 'gone') return { ...base, stale: true, why: `pid ${holder.pid} is gone on ${holder.host}` };
    if (state === 'reused') {
      return {
        ...base,
        stale: true,
        why: `pid ${holder.pid} on ${holder.host} is another process now (started at tick ${processStartTime(holder.pid) ?? '?'}, the holder at ${holder.pidStart})`,
      };
    }
    if (age > ttlMs) return { ...base, stale: true, why: `pid ${holder.pid} is alive but silent: ${silent}` };
    return {
      ...base,
      stale: false,
      why: `pid ${holder.pid} is alive on ${holder.host}${holder.pidStart ? ' with the same start time' : ''} and its heartbeat is ${seconds(age)} old (TTL ${seconds(ttlMs)})`,
    };
  }
  if (age > ttlMs) return { ...base, stale: true, why: `held on another host, ${silent}` };
  return {
    ...base,
    stale: false,
    why: `held on another host, heartbeat ${seconds(age)} old, within its TTL of ${seconds(ttlMs)}`,
  };
}

/** Who holds a lock, for people: run, pid, host, since, last heartbeat. */
export function describeLock(status: LockStatus): string {
  const h = status.holder;
  return `run ${h.runId} (pid ${h.pid} on ${h.host}, since ${h.since}, last heartbeat ${status.heartbeat})`;
}

/**
 * Removes the lock file only if it is still the one that was judged (same inode): a lock released
 * and taken afresh meanwhile is left alone. True when it was removed.
 */
export async function removeLockIfSame(file: string, ino: number): Promise<boolean> {
  const st = await stat(file).catch(() => undefined);
  if (!st || st.ino !== ino) return false;
  await rm(file, { force: true });
  return true;
}

/**
 * An exclusive lock on a state key across processes: a file created with O_EXCL and kept open
 * while held; its mtime is a heartbeat renewed every third of the TTL through that open handle, so
 * a renewal only ever touches this holder's own file, never one that replaced it. A stale lock
 * (see inspectLock) is broken and reported; a live one is waited for up to `timeoutMs`.
 */
export async function acquireFileLock(options: FileLockOptions): Promise<Lease> {
  const file = lockFile(options.dir, options.key);
  const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    pidStart: processStartTime(process.pid),
    runId: options.runId,
    key: options.key,
    since: new Date().toISOString(),
    ttlSeconds: Math.max(1, Math.round(ttlMs / 1000)),
  };
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  for (;;) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (handle) {
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } catch (err) {
        await handle.close();
        await rm(file, { force: true });
        throw err;
      }
      return held(file, handle, me, ttlMs, options);
    }
    const status = await inspectLock(file, ttlMs);
    if (!status) {
      // being written right now (give the writer a moment), or garbage left for seconds: remove it
      const st = await stat(file).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 5000 && !(await readHolder(file))) await removeLockIfSame(file, st.ino);
      else await sleep(50);
      continue;
    }
    if (status.stale) {
      if (await removeLockIfSame(file, status.ino)) await options.onBreak?.(status.holder, status);
      continue;
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new TfoError(
        'TFO_ERR_LOCKED',
        `state key ${options.key} is locked by ${describeLock(status)}: ${status.why}. ` +
          `Wait for that run; if it is gone, \`tfo state unlock ${options.key}\` (add --force for a holder that still looks live)`,
        { file },
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(status.holder, status);
    }
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

function held(file: string, handle: FileHandle, me: LockHolder, ttlMs: number, options: FileLockOptions): Lease {
  let released = false;
  let lost = false;
  const ours = async (): Promise<boolean> => {
    const [mine, now] = await Promise.all([handle.stat(), stat(file).catch(() => undefined)]);
    return now !== undefined && now.ino === mine.ino;
  };
  const timer = setInterval(
    () => {
      void (async () => {
        if (released || lost) return;
        if (!(await ours())) {
          lost = true;
          clearInterval(timer);
          options.onLost?.();
          return;
        }
        const now = new Date();
        await handle.utimes(now, now);
      })().catch(() => undefined);
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    key: options.key,
    holder: `${me.host}:${me.pid}:${me.runId}`,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        if (await ours()) await rm(file, { force: true });
      } finally {
        await handle.close();
      }
    },
  };
}
