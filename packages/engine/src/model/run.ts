/** A run: its settings, the stages of a deployment, and the results. */
import type { DeletedDeployment, DeploymentIdentity } from './deployment.js';
import type { ChangeCounts, Finding } from './plan.js';
import type { RecoveryResult } from './state.js';

export type RunMode = 'plan' | 'apply';

export interface RunInfo {
  id: string;
  mode: RunMode;
  startedAt: string;
  /** Directory holding the config file; relative paths resolve from here. */
  cwd: string;
  /** `.tfo/runs/<id>/` */
  dir: string;
  /** Files that were deleted since `--changed-from`: listed, never destroyed. */
  deleted: DeletedDeployment[];
  changedFrom?: string | undefined;
  /** `--junit <file>`, absolute: the report plugin also writes the run there as JUnit XML. */
  junit?: string | undefined;
}

export interface Failure {
  stage: Stage;
  error: Error;
}

export type Stage = 'lock' | 'init' | 'plan' | 'validate' | 'backup' | 'apply' | 'verify' | 'recover' | 'audit';

export interface StageTiming {
  stage: Stage;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
}

export type DeploymentStatus =
  | 'pending'
  | 'running'
  | 'planned'
  | 'no-changes'
  | 'applied'
  | 'blocked'
  | 'failed'
  | 'recovered'
  | 'cancelled'
  | 'skipped';

/** What failed a deployment: the stage, the message, the error code and the plugin, when known. */
export interface DeploymentError {
  stage: Stage;
  message: string;
  code?: string;
  plugin?: string;
}

export interface DeploymentResult extends DeploymentIdentity {
  status: DeploymentStatus;
  changes?: ChangeCounts | undefined;
  findings: Finding[];
  recovery?: RecoveryResult | undefined;
  error?: DeploymentError | undefined;
  timings: StageTiming[];
  durationMs: number;
  /** Path of the full (unredacted) log under `.tfo/runs/<id>/`. */
  logFile: string;
  /** Worker lane this deployment ran in (for timelines). */
  lane: number;
  /** Wall time spent inside terraform processes. */
  terraformMs: number;
  /** What failed after the deployment itself (history, settled taps, audit sinks): fails the run. */
  problems?: string[] | undefined;
}

export interface RunResult {
  run: RunInfo;
  deployments: DeploymentResult[];
  deleted: DeletedDeployment[];
  cancelled: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Problems outside any one deployment (a failing audit sink, a report plugin). */
  problems: Array<{ plugin?: string | undefined; message: string }>;
  /** Keys of earlier, interrupted runs this run reconciled (or, in plan mode, found). */
  reconciled?: ReconciledKey[] | undefined;
  exitCode: number;
}

/** What reconciling one key of an interrupted run did (`tfo apply`, `tfo apply --resume`). */
export interface ReconciledKey {
  /** The interrupted run. */
  runId: string;
  key: string;
  /** The stage the key was in when its run died. */
  stage: Stage | 'none';
  action: 'verified' | 'recovered' | 'released' | 'reported' | 'failed';
  ok: boolean;
  detail: string;
  recovery?: RecoveryResult | undefined;
}
