/**
 * `@tfo/engine/state`: building blocks for a plugin that provides state (the embedded local
 * backend uses the same): backups and recovery over a StateStore, state fingerprints, file locks,
 * process identity for lock holders, and the audit record of a broken lock.
 */
export { backupRecordOf, knownGoodBackups, restoreFromBackups } from './state/backups.js';
export { decideRecovery, recover, tapBackupAndRecovery } from './state/recovery.js';
export { fingerprintBytes, fingerprintFile, orphanedBy } from './state/state-file.js';
export { acquireFileLock } from './state/lock.js';
export { processAlive } from './run/journal.js';
export { processStartTime, processState } from './run/proc.js';
export { reportBrokenLock } from './run/audit-records.js';
export { LocalStateStore } from './state/local-state.js';
export type { RecoveryPolicy, StateAccess } from './state/recovery.js';
export type { BackupStore, RestoreResult, StateStore, StateSummary, UnlockResult } from './state/state-store.js';
