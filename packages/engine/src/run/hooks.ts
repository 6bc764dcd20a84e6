import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type {
  AuditRecord,
  BackendSettings,
  Deployment,
  DeploymentContext,
  Failure,
  Lease,
  PlanResult,
  RecoveryResult,
  RunInfo,
  RunResult,
} from '../model.js';

/**
 * Tap stages. Lower runs first. Plugins order themselves by these named stages, never by the
 * order they happened to register.
 */
export const STAGE = Object.freeze({
  /** Narrow or rewrite inputs before anyone else sees them (changed-file discovery). */
  FILTER: -100,
  /** Organisation and first-party plugins. */
  NORMAL: 0,
  /** The engine's embedded defaults: a bail hook reaches them only if no plugin answered. */
  DEFAULT: 1000,
  /** Checks of a hook's complete input before the engine's last tap (the state guard, before terraform init). */
  GUARD: 1500,
  /** After the defaults: the engine's `terraform init`, once every init tap has given its settings. */
  LAST: 2000,
});

/** All hooks of a run, created in one place, grouped by phase, frozen. */
export function createHooks() {
  return Object.freeze({
    // ── run level ─────────────────────────────────────────────────────────────
    /** Deployments found on disk; each tap may narrow or extend the list. */
    discover: new AsyncSeriesWaterfallHook<[Deployment[], RunInfo]>(['deployments', 'run']),
    /** Once before any deployment starts: compile policies, check waivers, open clients. A throw stops the run. */
    prepare: new AsyncSeriesHook<[RunInfo, Deployment[]]>(['run', 'deployments']),

    // ── per deployment, in order ───────────────────────────────────────────────
    /** An exclusive lock (a lease) on the state key for plan → apply → verify → recover (first answer wins). */
    lock: new AsyncSeriesBailHook<[DeploymentContext], Lease | undefined>(['ctx']),
    /**
     * Partial backend config for `terraform init`; each tap may add to or replace it. The engine's
     * terraform default taps it last and runs `terraform init` with the result, so the `init`
     * stage times the init itself.
     */
    init: new AsyncSeriesWaterfallHook<[BackendSettings, DeploymentContext]>(['settings', 'ctx']),
    /** Produce the plan (first answer wins; default: terraform init/plan/show). */
    plan: new AsyncSeriesBailHook<[DeploymentContext], PlanResult | undefined>(['ctx']),
    /** Push findings into ctx.findings; the engine decides block or pass. */
    validate: new AsyncSeriesHook<[DeploymentContext]>(['ctx']),
    /** Record a backup of the state before apply into ctx.backup. */
    backup: new AsyncSeriesHook<[DeploymentContext]>(['ctx']),
    /** Apply the saved plan (first answer wins; default: terraform apply). */
    apply: new AsyncSeriesBailHook<[DeploymentContext], true | undefined>(['ctx']),
    /** Check the applied deployment; set ctx.verify, or throw. */
    verify: new AsyncSeriesHook<[DeploymentContext]>(['ctx']),
    /** Recover from a failed apply or verify (first answer wins). */
    recover: new AsyncSeriesBailHook<[DeploymentContext, Failure], RecoveryResult | undefined>(['ctx', 'failure']),
    /** The deployment is finished (any outcome): history, metrics. */
    settled: new AsyncSeriesHook<[DeploymentContext]>(['ctx']),

    // ── records and reports ────────────────────────────────────────────────────
    /** Every audit sink at once. */
    audit: new AsyncParallelHook<[AuditRecord]>(['record']),
    /**
     * Run level reports: files, pull requests. `shown` is the run's redacted view, built once by
     * the engine: render every text from it and redact none of it again. `result` is the run as
     * it happened (never shown): read its files (logs), place annotations by its paths. A tap
     * that fails, or pushes to `result.problems`, adds a run problem; the engine appends it to
     * `shown.problems`, redacted, before the next tap runs.
     */
    report: new AsyncSeriesHook<[RunResult, RunResult]>(['result', 'shown']),
  });
}

export type EngineHooks = ReturnType<typeof createHooks>;
export type HookName = keyof EngineHooks;

/** Hooks that are called once per deployment, with the deployment context first. */
export const DEPLOYMENT_HOOKS: readonly HookName[] = Object.freeze([
  'lock',
  'init',
  'plan',
  'validate',
  'backup',
  'apply',
  'verify',
  'recover',
  'settled',
]);
