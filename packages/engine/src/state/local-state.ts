import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { backupRecordOf, restoreFromBackups } from './backups.js';
import { TfoError } from '../errors.js';
import { acquireFileLock, describeLock, inspectLock, lockFile, removeLockIfSame } from './lock.js';
import type { BackupKind, BackupRecord, StateFingerprint } from '../model.js';
import { fingerprintFile } from './state-file.js';
import type { RestoreResult, StateStore, StateSummary, UnlockResult } from './state-store.js';

/** UTC timestamp that sorts as text: 20261127T120102.345Z */
export function backupStamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '');
}

/** The embedded state store: `.tfo/state/<key>`, `.tfo/backups/<key>.<stamp>.backup`, `.tfo/locks/`. */
export class LocalStateStore implements StateStore {
  readonly name = 'local';
  readonly stateRoot: string;
  readonly backupRoot: string;
  readonly lockRoot: string;
  /** Backups taken by this process get distinct, increasing times (a restore takes two at once). */
  #lastStamp = 0;

  constructor(
    readonly root: string,
    readonly retention: { retentionDays: number; keepLast: number },
  ) {
    this.stateRoot = path.join(root, 'state');
    this.backupRoot = path.join(root, 'backups');
    this.lockRoot = path.join(root, 'locks');
  }

  statePath(key: string): string {
    return path.join(this.stateRoot, key);
  }

  fingerprint(key: string): Promise<StateFingerprint> {
    return fingerprintFile(this.statePath(key));
  }

  /**
   * Copies the current state aside with its identity (a missing state is recorded as a first
   * deployment, written nowhere). A copy that cannot be written (a full disk) leaves no partial
   * file behind and fails with TFO_ERR_BACKUP_FAILED naming the path.
   */
  async backup(
    key: string,
    by: string,
    kind: BackupKind = 'pre-apply',
  ): Promise<{ record: BackupRecord; before: StateFingerprint }> {
    const before = await this.fingerprint(key);
    const createdAt = new Date(Math.max(Date.now(), this.#lastStamp + 1));
    this.#lastStamp = createdAt.getTime();
    if (!before.exists) {
      return { record: { key, firstDeployment: true, createdAt: createdAt.toISOString(), by, kind }, before };
    }
    const base = path.join(this.backupRoot, `${key}.${backupStamp(createdAt)}`);
    let location = `${base}.backup`;
    let record: BackupRecord;
    try {
      await mkdir(path.dirname(base), { recursive: true });
      // never overwrite a backup: two in one millisecond get a suffix
      for (let n = 1; ; n++) {
        try {
          await copyFile(this.statePath(key), location, constants.COPYFILE_EXCL);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw err;
          location = `${base}-${n}.backup`;
        }
      }
      record = backupRecordOf(key, location, before, createdAt, by, kind);
      await writeFile(`${location}.json`, JSON.stringify(record, null, 2));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        await rm(location, { force: true }).catch(() => undefined);
        await rm(`${location}.json`, { force: true }).catch(() => undefined);
      }
      throw new TfoError(
        'TFO_ERR_BACKUP_FAILED',
        `could not back up the state of ${key} to ${location} (${kind}): ${(err as Error).message}`,
        { cause: err, file: location },
      );
    }
    await this.prune(key);
    return { record, before };
  }

  /** Backups of a key, newest first. */
  async backups(key: string): Promise<BackupRecord[]> {
    const dir = path.dirname(path.join(this.backupRoot, key));
    const prefix = `${path.basename(key)}.`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const records: BackupRecord[] = [];
    for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.backup.json'))) {
      try {
        records.push(JSON.parse(await readFile(path.join(dir, name), 'utf8')) as BackupRecord);
      } catch {
        // a sidecar torn by a crash: the backup file itself is still listed by the next one
      }
    }
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Keeps the newest `keepLast` backups, and any younger than `retentionDays`. */
  async prune(key: string): Promise<void> {
    const cutoff = Date.now() - this.retention.retentionDays * 86_400_000;
    const all = await this.backups(key);
    for (const old of all.slice(this.retention.keepLast)) {
      if (Date.parse(old.createdAt) >= cutoff || !old.location) continue;
      await rm(old.location, { force: true });
      await rm(`${old.location}.json`, { force: true });
    }
  }

  /** Writes the backup's bytes as the current state (atomically, via a temp file and rename). */
  async restoreBytes(record: BackupRecord): Promise<void> {
    if (!record.location) throw new TfoError('TFO_ERR_NO_BACKUP', `backup of ${record.key} has no file`);
    const target = this.statePath(record.key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.tfo-restore-${process.pid}`;
    await copyFile(record.location, tmp);
    await rename(tmp, target);
  }

  async list(): Promise<StateSummary[]> {
    const keys = await walk(this.stateRoot, '');
    const out: StateSummary[] = [];
    for (const key of keys.filter((k) => k.endsWith('.tfstate'))) {
      const fp = await this.fingerprint(key);
      const st = await stat(this.statePath(key));
      const last = (await this.backups(key))[0];
      out.push({ key, serial: fp.serial, lastModified: st.mtime.toISOString(), lastBackup: last?.createdAt });
    }
    return out;
  }

  async restore(
    key: string,
    options: { to?: string | undefined; force?: boolean | undefined; runId: string },
  ): Promise<RestoreResult> {
    const lease = await acquireFileLock({ dir: this.lockRoot, key, runId: options.runId, timeoutMs: 0 });
    try {
      return await restoreFromBackups(this, key, options, (b) => fingerprintFile(b.location!));
    } finally {
      await lease.release();
    }
  }

  async unlock(key: string, options: { force?: boolean | undefined } = {}): Promise<UnlockResult> {
    const file = lockFile(this.lockRoot, key);
    const status = await inspectLock(file);
    if (!status) {
      // none, or a file that holds no holder: nothing anyone could be waiting on
      const garbage = await readFile(file, 'utf8').catch(() => undefined);
      await rm(file, { force: true });
      return garbage === undefined ? { removed: false } : { removed: true, reason: 'the lock file named no holder' };
    }
    const holderText = describeLock(status);
    if (!status.stale && !options.force) {
      throw new TfoError(
        'TFO_ERR_LOCK_LIVE',
        `refused: the lock of ${key} is held by ${holderText}, which is live (${status.why})`,
        { file },
      );
    }
    const removed = await removeLockIfSame(file, status.ino);
    const reason = status.stale ? `stale: ${status.why}` : `live (${status.why}), removed with --force`;
    return { removed, holder: status.holder, holderText, reason };
  }
}

async function walk(root: string, rel: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, child)));
    else out.push(child);
  }
  return out.sort();
}
