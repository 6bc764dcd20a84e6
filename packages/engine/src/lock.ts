import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TfoError } from './errors.js';
import type { Lease } from './model.js';

export interface LockHolder {
  pid: number;
  host: string;
  runId: string;
  key: string;
  since: string;
}

export interface FileLockOptions {
  /** `.tfo/locks` */
  dir: string;
  key: string;
  runId: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Told once when the lock is busy and we start waiting, and when a stale lock is broken. */
  onWait?: ((holder: LockHolder) => void) | undefined;
  onBreak?: ((holder: LockHolder) => void) | undefined;
  pollMs?: number | undefined;
}

export function lockFile(dir: string, key: string): string {
  return path.join(dir, `${key}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock on a state key across processes: a file created with O_EXCL. A lock whose
 * holder process on this host is gone is stale and is broken (and reported).
 */
export async function acquireFileLock(options: FileLockOptions): Promise<Lease> {
  const file = lockFile(options.dir, options.key);
  await mkdir(path.dirname(file), { recursive: true });
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    runId: options.runId,
    key: options.key,
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      let released = false;
      return {
        key: options.key,
        holder: `${me.host}:${me.pid}:${me.runId}`,
        release: async () => {
          if (released) return;
          released = true;
          const current = await readHolder(file);
          if (current && current.pid === me.pid && current.runId === me.runId) await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(file);
    if (holder && holder.host === me.host && !alive(holder.pid)) {
      options.onBreak?.(holder);
      await rm(file, { force: true });
      continue;
    }
    if (!holder) {
      // being written right now, or garbage: give the writer a moment, then treat as stale
      await sleep(50);
      if (!(await readHolder(file))) await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new TfoError(
        'TFO_ERR_LOCKED',
        `state key ${options.key} is locked by run ${holder.runId} (pid ${holder.pid} on ${holder.host} since ${holder.since})`,
        { file },
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(holder);
    }
    await sleep(options.pollMs ?? 250);
  }
}
