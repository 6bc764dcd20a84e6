export {
  defineConfig,
  configSchema,
  DEFAULT_REGION_CODES,
  DEFAULT_SERVICE_MAP,
  HOOK_TIMEOUT_RANGE,
  MAX_WORKERS_RANGE,
} from './config/config-schema.js';
export type { TfoConfig, TfoConfigInput } from './config/config-schema.js';
export { loadConfig, validateConfig, CONFIG_FILES } from './config/config.js';
export type { LoadedConfig } from './config/config.js';
export { Engine } from './run/engine.js';
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
} from './run/capabilities.js';
export { EngineEmitter, FAILED_STATUSES } from './run/events.js';
export type { EngineEvents, EngineEventName } from './run/events.js';
export { ERROR_CODES, EXIT, PluginError, TfoError, exitCodeFor, ioErrorOf } from './errors.js';
export type { ErrorCode } from './errors.js';
export { createHooks, DEPLOYMENT_HOOKS, STAGE } from './run/hooks.js';
export type { EngineHooks, HookName } from './run/hooks.js';
export { backupRecordOf, knownGoodBackups, restoreFromBackups } from './state/backups.js';
export { History } from './state/history.js';
export type { HistoryEntry, LastGood } from './state/history.js';
export { LocalStateStore } from './state/local-state.js';
export { localBackend, LOCAL_BACKEND } from './state/local-backend.js';
export { checkPlugins, parsePluginOptions } from './run/plugin.js';
export type { Plugin } from './run/plugin.js';
export { decideRecovery, recover, tapBackupAndRecovery } from './state/recovery.js';
export type { RecoveryPolicy, StateAccess } from './state/recovery.js';
export { collectSensitive, redactText, MASK } from './redaction/redact.js';
export type { RedactOptions } from './redaction/redact.js';
export { redactInPool } from './redaction/redact-pool.js';
export { PieceRedactor, redactChunks, redactTransform, safeCut } from './redaction/redact-stream.js';
export type { RedactStreamOptions, TaskRunner } from './redaction/redact-stream.js';
export { sensitiveOfState } from './redaction/sensitive-state.js';
export { Journal, journalFile, processAlive, readJournal, unfinishedRun } from './run/journal.js';
export { processStartTime, processState } from './run/proc.js';
export type { JournalEntry, KeyJournal, UnfinishedRun } from './run/journal.js';
export { reconcileInterrupted } from './run/reconcile.js';
export type { ReconcileOptions } from './run/reconcile.js';
export { reportBrokenLock, stateActionRecord } from './run/audit-records.js';
export { canonicalJson, planDigest } from './run/canonical-json.js';
export { createEngine, executeRun, exitCodeOf, findDeployment, listDeployments, newRunId } from './run/run.js';
export type { CreateEngineOptions, RunOptions } from './run/run.js';
export { orderLongestFirst, schedule } from './run/scheduler.js';
export type { ScheduleItem, ScheduleOptions } from './run/scheduler.js';
export {
  checkIntRange,
  intInRange,
  defaultMaxWorkers,
  intFromEnv,
  POOL_SIZE_RANGE,
  resolveSettings,
} from './config/settings.js';
export { DEFAULT_HOOK_TIMEOUT_SECONDS, hookDeadlineMs } from './run/hook-deadline.js';
export type { ResolvedSettings } from './config/settings.js';
export { fingerprintBytes, fingerprintFile, orphanedBy } from './state/state-file.js';
export type { BackupStore, RestoreResult, StateStore, StateSummary, UnlockResult } from './state/state-store.js';
export { acquireFileLock } from './state/lock.js';
export { countChanges, planHasChanges, resolveTerraformBinary, terraform } from './terraform/terraform.js';
export { stateChangesText } from './terraform/change-counts.js';
export { sensitiveOfPlan, terraformDefaults, TERRAFORM_DEFAULTS } from './terraform/terraform-defaults.js';
export { findProviderMirror, providerCliConfig } from './terraform/provider-mirror.js';
export { workerPath, WorkerPool } from './run/worker-pool.js';
export { findAttributeLine, parseTfvars } from './discovery/tfvars.js';
export type * from './model.js';
export { changedFiles, runGit } from './discovery/git.js';
export type { ChangedFiles } from './discovery/git.js';
export { deletedDeployments, mapLimit, tfvarsMatcher } from './discovery/discovery.js';
export { readLogWindow, safeHead, safeTail } from './terraform/log-window.js';
export type { LogWindow } from './terraform/log-window.js';
export { redactValue, shownRun } from './redaction/shown-run.js';
