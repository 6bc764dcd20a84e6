import type { BackupRecord, StateFingerprint } from './model.js';

export interface StateSummary {
  key: string;
  serial?: number | undefined;
  lastModified?: string | undefined;
  lastBackup?: string | undefined;
}

/**
 * What the `tfo state` commands need from whichever plugin stores state (the embedded local
 * backend, or S3). The active state plugin registers one with `engine.setStateStore()`.
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
  ): Promise<{ backup: BackupRecord; orphaned: string[] }>;
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

/** What the shared backup and recovery taps need from a state plugin's storage. */
export interface BackupStore {
  /** Records the current state of a key before apply (a first deployment when there is none). */
  backup(key: string, by: string): Promise<{ record: BackupRecord; before: StateFingerprint }>;
  fingerprint(key: string): Promise<StateFingerprint>;
  /** Puts a backup's bytes back as the current state. */
  restoreBytes(record: BackupRecord): Promise<void>;
}
