export {
  defineConfig,
  configSchema,
  DEFAULT_REGION_CODES,
  DEFAULT_SERVICE_MAP,
  HOOK_TIMEOUT_RANGE,
  MAX_WORKERS_RANGE,
} from './config-schema.js';
export type { TfoConfig, TfoConfigInput } from './config-schema.js';
export { loadConfig, validateConfig, CONFIG_FILES } from './config.js';
export type { LoadedConfig } from './config.js';
export { Engine } from './engine.js';
export type {
  AuditCapability,
  AuditWriteResult,
  Capabilities,
  CapabilityName,
  CommandArgument,
  CommandIO,
  CommandOption,
  CommandSpec,
  PolicyCapability,
} from './capabilities.js';
export { EngineEmitter, FAILED_STATUSES } from './events.js';
export type { EngineEvents, EngineEventName } from './events.js';
export { ERROR_CODES, EXIT, PluginError, TfoError, exitCodeFor, ioErrorOf } from './errors.js';
export type { ErrorCode } from './errors.js';
export { createHooks, DEPLOYMENT_HOOKS, STAGE } from './hooks.js';
export type { EngineHooks, HookName } from './hooks.js';
export { backupRecordOf, knownGoodBackups, restoreFromBackups } from './backups.js';
export { History } from './history.js';
export type { HistoryEntry, LastGood } from './history.js';
export { LocalStateStore } from './local-state.js';
export { localBackend, LOCAL_BACKEND } from './local-backend.js';
export { checkPlugins, parsePluginOptions } from './plugin.js';
export type { Plugin } from './plugin.js';
export { decideRecovery, recover, tapBackupAndRecovery } from './recovery.js';
export type { RecoveryPolicy, StateAccess } from './recovery.js';
export { collectSensitive, redactText, MASK } from './redact.js';
export type { RedactOptions } from './redact.js';
export { redactInPool } from './redact-pool.js';
export { PieceRedactor, redactChunks, redactTransform, safeCut } from './redact-stream.js';
export type { RedactStreamOptions, TaskRunner } from './redact-stream.js';
export { sensitiveOfState } from './sensitive-state.js';
export { Journal, journalFile, processAlive, readJournal, unfinishedRun } from './journal.js';
export { processStartTime, processState } from './proc.js';
export type { JournalEntry, KeyJournal, UnfinishedRun } from './journal.js';
export { reconcileInterrupted } from './reconcile.js';
export type { ReconcileOptions } from './reconcile.js';
export { reportBrokenLock, stateActionRecord } from './audit-records.js';
export { canonicalJson, planDigest } from './canonical-json.js';
export { createEngine, executeRun, exitCodeOf, findDeployment, listDeployments, newRunId } from './run.js';
export type { CreateEngineOptions, RunOptions } from './run.js';
export { orderLongestFirst, schedule } from './scheduler.js';
export type { ScheduleItem, ScheduleOptions } from './scheduler.js';
export {
  checkIntRange,
  intInRange,
  defaultMaxWorkers,
  intFromEnv,
  POOL_SIZE_RANGE,
  resolveSettings,
} from './settings.js';
export { DEFAULT_HOOK_TIMEOUT_SECONDS, hookDeadlineMs } from './hook-deadline.js';
export type { ResolvedSettings } from './settings.js';
export { fingerprintBytes, fingerprintFile, orphanedBy } from './state-file.js';
export type { BackupStore, RestoreResult, StateStore, StateSummary, UnlockResult } from './state-store.js';
export { acquireFileLock } from './lock.js';
export { countChanges, planHasChanges, resolveTerraformBinary, terraform } from './terraform.js';
export { stateChangesText } from './change-counts.js';
export { sensitiveOfPlan, terraformDefaults, TERRAFORM_DEFAULTS } from './terraform-defaults.js';
export { findProviderMirror, providerCliConfig } from './provider-mirror.js';
export { workerPath, WorkerPool } from './worker-pool.js';
export { findAttributeLine, parseTfvars } from './tfvars.js';
export type * from './model.js';
export { changedFiles, runGit } from './git.js';
export type { ChangedFiles } from './git.js';
export { deletedDeployments, mapLimit, tfvarsMatcher } from './discovery.js';
export { readLogWindow, safeHead, safeTail } from './log-window.js';
export type { LogWindow } from './log-window.js';
export { redactValue, shownRun } from './shown-run.js';
