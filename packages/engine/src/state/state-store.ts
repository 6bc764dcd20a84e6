import type { BackupKind, BackupRecord, StateFingerprint } from '../model.js';

export interface StateSummary {
  key: string;
  serial?: number | undefined;
  lastModified?: string | undefined;
  lastBackup?: string | undefined;
}

/**
 * What the `tfo state` commands need from whichever plugin stores state (the embedded local
 * backend, or S3). The active state plugin registers one with `engine.provide('state', store)`.
 */
export interface StateStore {
  readonly name: string;
  list(): Promise<StateSummary[]>;
  /** Newest first. */
  backups(key: string): Promise<BackupRecord[]>;
  /** Restores a backup (the newest, or `to`); refuses another lineage unless `force`. */
  restore(
    key: string,
    options: { to?: string | undefined; force?: boolean | undefined; runId: string },
  ): Promise<RestoreResult>;
  /**
   * Removes tfo's lock of a key (and the backend's own). Refuses one whose holder is live
   * (TFO_ERR_LOCK_LIVE) unless `force`.
   */
  unlock(key: string, options?: { force?: boolean | undefined }): Promise<UnlockResult>;
}

export interface UnlockResult {
  removed: boolean;
  /** The lock as stored (a lock file's holder, a lease, terraform's lock info). */
  holder?: unknown;
  /** Who held it, for people: run, pid, host, since, last heartbeat. */
  holderText?: string | undefined;
  /** Why it could be removed: stale (and why), or live and removed with force. */
  reason?: string | undefined;
}

/** What `tfo state restore` did, and what it orphans as far as it can know. */
export interface RestoreResult {
  backup: BackupRecord;
  /** Resources that exist but the restored state no longer knows; `undefined` when that cannot be known. */
  orphaned: string[] | undefined;
  /** What the orphans were computed against (the current state, or the last post-apply backup). */
  orphansAgainst?: string | undefined;
  /** Why the orphans are unknown, when they are. */
  orphansUnknown?: string | undefined;
}

/** What the shared backup and recovery taps need from a state plugin's storage. */
export interface BackupStore {
  /**
   * Records the current state of a key (default kind 'pre-apply'; a first deployment, written
   * nowhere, when there is none).
   */
  backup(key: string, by: string, kind?: BackupKind): Promise<{ record: BackupRecord; before: StateFingerprint }>;
  /** Newest first. */
  backups(key: string): Promise<BackupRecord[]>;
  fingerprint(key: string): Promise<StateFingerprint>;
  /** Puts a backup's bytes back as the current state. */
  restoreBytes(record: BackupRecord): Promise<void>;
}
