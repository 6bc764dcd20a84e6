/** State, its backups and leases, and what recovery did. */
/** What the embedded or S3 backend recorded before apply. */
export interface BackupRecord {
  key: string;
  /** Where the copy lives (a path, an S3 key, or a version id). `undefined` for a first deployment. */
  location?: string | undefined;
  firstDeployment: boolean;
  serial?: number | undefined;
  lineage?: string | undefined;
  sha256?: string | undefined;
  createdAt: string;
  by: string;
  /**
   * When the copy was taken: before an apply, after a successful apply (+verify: the key's last
   * known-good), of the state a `tfo state restore` overwrote, or of the state it put back.
   * Records written before kinds existed have none and count as 'pre-apply'.
   */
  kind?: BackupKind | undefined;
}

export type BackupKind = 'pre-apply' | 'post-apply' | 'pre-restore' | 'restored';

/** A snapshot of the identity of a state file. */
export interface StateFingerprint {
  exists: boolean;
  readable: boolean;
  serial?: number | undefined;
  lineage?: string | undefined;
  sha256?: string | undefined;
  /** Resource addresses in the state. */
  addresses?: string[] | undefined;
  /** The state is there but holds 0 bytes (terraform's local backend while a fresh state is held; else damage). */
  empty?: boolean | undefined;
}

export type RecoveryAction =
  | 'none'
  | 'restore-backup'
  | 'reapply-last-good'
  | 'destroy-created'
  | 'raw-restore'
  | 'manual';

export interface RecoveryResult {
  action: RecoveryAction;
  ok: boolean;
  detail: string;
  /** Resources that a raw restore leaves orphaned (exist in the cloud, not in state). */
  orphaned?: string[] | undefined;
  durationMs: number;
  by: string;
}

/**
 * Settings a state plugin gives terraform init: `key=value` pairs, or under a key starting with
 * `@` the path of a backend config file (for nested values such as `assume_role`).
 */
export type BackendSettings = Record<string, string>;

/** A held exclusive lease on a state key; `release` is idempotent. */
export interface Lease {
  key: string;
  holder: string;
  release(): Promise<void>;
}
