import { TfoError } from '../errors.js';
import type { BackupKind, BackupRecord, StateFingerprint } from '../model.js';
import { orphanedBy } from './state-file.js';
import type { BackupStore, RestoreResult } from './state-store.js';

/** The record of a state copied (or pinned) before or after apply. */
export function backupRecordOf(
  key: string,
  location: string,
  before: StateFingerprint,
  createdAt: Date,
  by: string,
  kind: BackupKind = 'pre-apply',
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
    kind,
  };
}

/**
 * Backups that describe a state the key really had in place (newest first): not the copies of
 * what a restore overwrote, which may be the damage itself.
 */
export function knownGoodBackups(all: readonly BackupRecord[]): BackupRecord[] {
  return all.filter((b) => b.location && b.kind !== 'pre-restore');
}

function describeState(fp: StateFingerprint): string {
  if (fp.empty) return 'empty (0 bytes)';
  if (!fp.exists) return 'missing';
  return 'unreadable';
}

/**
 * `tfo state restore` over any store: picks the backup (the newest known-good one, or the one
 * whose location or time matches `to`), refuses another lineage unless forced, works out what
 * the restore orphans, keeps what it overwrites as a backup of its own, puts the backup back, and
 * records what it put back (so the next run knows the key's lineage).
 *
 * Orphans are computed against the current state when it is readable; else against the
 * post-apply backup of the last apply; else they are reported unknown, with why.
 */
export async function restoreFromBackups(
  store: BackupStore,
  key: string,
  options: { to?: string | undefined; force?: boolean | undefined },
  fingerprintOf: (backup: BackupRecord) => Promise<StateFingerprint>,
): Promise<RestoreResult> {
  const all = await store.backups(key);
  const good = knownGoodBackups(all);
  const to = options.to;
  const backup = to ? all.find((b) => b.location?.includes(to) || b.createdAt === to) : good[0];
  if (!backup?.location) {
    throw new TfoError('TFO_ERR_NO_BACKUP', `no backup ${to ? `${to} ` : ''}of ${key} (${all.length} known)`);
  }
  const current = await store.fingerprint(key);
  if (current.readable && backup.lineage && current.lineage !== backup.lineage && !options.force) {
    throw new TfoError(
      'TFO_ERR_LINEAGE',
      `backup lineage ${backup.lineage} differs from the current state's ${current.lineage} for ${key}`,
    );
  }
  const restored = await fingerprintOf(backup);
  let result: RestoreResult;
  if (current.readable) {
    result = {
      backup,
      orphaned: orphanedBy(restored, current),
      orphansAgainst: `the current state (serial ${current.serial})`,
    };
  } else {
    const last = good[0];
    const state = `the current state is ${describeState(current)}`;
    if (!last) {
      result = { backup, orphaned: undefined, orphansUnknown: `${state} and no backup of a known-good state exists` };
    } else if (last.kind === 'post-apply' || last.kind === 'restored') {
      const reference = await fingerprintOf(last).catch((err: unknown) => err as Error);
      result =
        reference instanceof Error || !reference.readable
          ? {
              backup,
              orphaned: undefined,
              orphansUnknown: `${state} and the backup of the last known state (${last.location}) cannot be read${reference instanceof Error ? `: ${reference.message}` : ''}`,
            }
          : {
              backup,
              orphaned: orphanedBy(restored, reference),
              orphansAgainst: `the ${last.kind} backup of ${last.createdAt} (${last.location}), since ${state}`,
            };
    } else {
      result = {
        backup,
        orphaned: undefined,
        orphansUnknown: `${state} and the last apply (backup of ${last.createdAt}) left no post-apply backup`,
      };
    }
  }
  // keep what we overwrite: a restore adds history, it never removes it
  if (current.exists) await store.backup(key, 'tfo state restore', 'pre-restore');
  await store.restoreBytes(backup);
  await store.backup(key, 'tfo state restore', 'restored');
  return result;
}
