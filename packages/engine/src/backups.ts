import { TfoError } from './errors.js';
import type { BackupRecord, StateFingerprint } from './model.js';
import { orphanedBy } from './state-file.js';
import type { BackupStore } from './state-store.js';

/** The record of a state copied (or pinned) before apply. */
export function backupRecordOf(
  key: string,
  location: string,
  before: StateFingerprint,
  createdAt: Date,
  by: string,
): BackupRecord {
  return {
    key,
    location,
    firstDeployment: false,
    serial: before.serial,
    lineage: before.lineage,
    sha256: before.sha256,
    createdAt: createdAt.toISOString(),
    by,
  };
}

/**
 * `tfo state restore` over any store: picks the backup (the newest, or the one whose location or
 * time matches `to`), refuses another lineage unless forced, lists what the restore orphans, keeps
 * what it overwrites as a backup of its own, then puts the backup back.
 */
export async function restoreFromBackups(
  store: BackupStore & { backups(key: string): Promise<BackupRecord[]> },
  key: string,
  options: { to?: string | undefined; force?: boolean | undefined },
  fingerprintOf: (backup: BackupRecord) => Promise<StateFingerprint>,
): Promise<{ backup: BackupRecord; orphaned: string[] }> {
  const all = await store.backups(key);
  const to = options.to;
  const backup = to ? all.find((b) => b.location?.includes(to) || b.createdAt === to) : all[0];
  if (!backup) {
    throw new TfoError('TFO_ERR_NO_BACKUP', `no backup ${to ? `${to} ` : ''}of ${key} (${all.length} known)`);
  }
  const current = await store.fingerprint(key);
  if (current.readable && backup.lineage && current.lineage !== backup.lineage && !options.force) {
    throw new TfoError(
      'TFO_ERR_LINEAGE',
      `backup lineage ${backup.lineage} differs from the current state's ${current.lineage} for ${key}`,
    );
  }
  const orphaned = orphanedBy(await fingerprintOf(backup), current);
  // keep what we overwrite: a restore adds history, it never removes it
  if (current.exists) await store.backup(key, 'tfo state restore');
  await store.restoreBytes(backup);
  return { backup, orphaned };
}
