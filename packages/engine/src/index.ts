/**
 * The front door of @tfo/engine: what a config, the CLI and a plugin need. Building blocks for
 * state plugins are in `@tfo/engine/state`, for discovery plugins in `@tfo/engine/discovery`, and
 * helpers for tests in `@tfo/engine/testing`.
 */
// config
export { defineConfig, DEFAULT_SERVICE_MAP, MAX_WORKERS_RANGE } from './config/config-schema.js';
export { loadConfig } from './config/config.js';
export { intInRange } from './config/settings.js';
// engine, plugins and runs
export { Engine } from './run/engine.js';
export { STAGE } from './run/hooks.js';
export { parsePluginOptions } from './run/plugin.js';
export { hookDeadlineMs } from './run/hook-deadline.js';
export { createEngine, executeRun, exitCodeOf, findDeployment, listDeployments, newRunId } from './run/run.js';
export { WorkerPool, workerPath } from './run/worker-pool.js';
export { writeFileAtomic } from './run/write-atomic.js';
// errors
export { EXIT, PluginError, TfoError, exitCodeFor, ioErrorOf } from './errors.js';
// what is shown: redaction and the run's redacted view
export { redactText } from './redaction/redact.js';
export { redactInPool } from './redaction/redact-pool.js';
export { redactTransform } from './redaction/redact-stream.js';
export { redactValue, shownJson, shownRun } from './redaction/shown-run.js';
export { sensitiveOfState } from './redaction/sensitive-state.js';
export { sensitiveOfPlansIn, sensitiveOfRuns } from './redaction/sensitive-runs.js';
export { sensitiveOfPlan } from './terraform/terraform-defaults.js';
export { stateChangesText } from './terraform/change-counts.js';
export { readLogWindow } from './terraform/log-window.js';
export { findAttributeLine } from './discovery/tfvars.js';
// audit records
export { stateActionRecord } from './run/audit-records.js';
export { canonicalJson, planDigest } from './run/canonical-json.js';

export type { TfoConfig, TfoConfigInput } from './config/config-schema.js';
export type { LoadedConfig } from './config/config.js';
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
export type { EngineEvents, EngineEventName } from './run/events.js';
export type { ErrorCode } from './errors.js';
export type { EngineHooks, HookName } from './run/hooks.js';
export type { HistoryEntry, LastGood } from './state/history.js';
export type { Plugin } from './run/plugin.js';
export type { RecoveryPolicy, StateAccess } from './state/recovery.js';
export type { RedactOptions } from './redaction/redact.js';
export type { RedactStreamOptions, TaskRunner } from './redaction/redact-stream.js';
export type { JournalEntry, KeyJournal, UnfinishedRun } from './run/journal.js';
export type { ReconcileOptions } from './run/reconcile.js';
export type { CreateEngineOptions, RunOptions } from './run/run.js';
export type { ScheduleItem, ScheduleOptions } from './run/scheduler.js';
export type { ResolvedSettings } from './config/settings.js';
export type { BackupStore, RestoreResult, StateStore, StateSummary, UnlockResult } from './state/state-store.js';
export type * from './model.js';
export type { ChangedFiles } from './discovery/git.js';
export type { LogWindow } from './terraform/log-window.js';
