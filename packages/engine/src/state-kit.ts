/**
 * `@tfo/engine/state`: building blocks for a plugin that provides state (the embedded local
 * backend uses the same): backups and recovery over a BackupStore, state fingerprints, file locks,
 * process identity for lock holders, and the audit record of a broken lock.
 */
export { backupRecordOf, restoreFromBackups } from './state/backups.js';
export { tapBackupAndRecovery } from './state/recovery.js';
export { fingerprintBytes } from './state/state-file.js';
export { acquireFileLock } from './state/lock.js';
export { processStartTime, processState } from './run/proc.js';
export { reportBrokenLock } from './run/audit-records.js';
export type { RecoveryPolicy, StateAccess } from './state/recovery.js';
