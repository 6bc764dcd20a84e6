/** The per-deployment context every per-deployment hook receives. */
import type { Deployment } from './deployment.js';
import type { Finding, PlanResult } from './plan.js';
import type { BackendSettings, BackupRecord, RecoveryResult, StateFingerprint } from './state.js';
import type { DeploymentError, DeploymentStatus, RunInfo, StageTiming } from './run.js';

/** The per-deployment context every per-deployment hook receives. */
export interface DeploymentContext {
  deployment: Deployment;
  run: RunInfo;
  /** `.tfo/runs/<run-id>/<deployment slug>/` */
  dir: string;
  /** Per-deployment TF_DATA_DIR. */
  dataDir: string;
  /** Aborted on cancellation or timeout. */
  signal: AbortSignal;
  /** Aborted on cancellation only (recovery after a timeout still runs). */
  runSignal: AbortSignal;
  /** Extra environment for terraform (credentials from plugins; never on the command line). */
  env: Record<string, string>;
  backend: BackendSettings;
  status: DeploymentStatus;
  plan?: PlanResult | undefined;
  findings: Finding[];
  backup?: BackupRecord | undefined;
  /** State identity before apply (after backup). */
  before?: StateFingerprint | undefined;
  verify?: { ok: boolean; detail: string } | undefined;
  recovery?: RecoveryResult | undefined;
  outputs?: Record<string, unknown> | undefined;
  error?: DeploymentError | undefined;
  timings: StageTiming[];
  /** Values terraform marks sensitive, collected for redaction. */
  sensitive: Set<string>;
  /** Appends text to this deployment's captured output. */
  log(text: string): void;
  /** Runs terraform in this deployment's root module with its environment, signal and log. */
  terraform(
    args: readonly string[],
    options?: { okCodes?: readonly number[]; stdoutFile?: string; signal?: AbortSignal },
  ): Promise<{ exitCode: number; tail: string; durationMs: number }>;
  /**
   * Path of the tfvars file terraform reads: the run's snapshot of the inputs read at discovery
   * (`deployment.inputsFile`), so plan, verify and recovery see the same bytes whatever happens
   * to the deployment's own file during the run.
   */
  varFile: string;
  /** Scratch space for plugins, keyed by plugin name. */
  data: Map<string, unknown>;
  /**
   * This context finishes a key of an interrupted run (the next run's reconcile): its state may be
   * what the interruption left, which recovery repairs, so the state guard lets it through.
   */
  reconciling?: true | undefined;
}
