/** The record handed to the audit hook. */
import type { DeploymentIdentity } from './deployment.js';
import type { Finding } from './plan.js';
import type { RecoveryResult } from './state.js';
import type { DeploymentError, DeploymentStatus, StageTiming } from './run.js';

/** One record handed to the audit hook. */
export interface AuditRecord {
  id: string;
  timestamp: string;
  action: 'plan' | 'apply' | 'recover' | 'restore' | 'unlock' | 'waiver-used' | 'drift';
  runId: string;
  deployment: DeploymentIdentity & { accountId: string; sha256: string };
  actor: string;
  outcome: DeploymentStatus;
  findings: Finding[];
  recovery?: RecoveryResult | undefined;
  /** What failed the deployment (stage, message, error code, plugin); absent when nothing did. */
  error?: DeploymentError | undefined;
  /** The plan's digest (see planDigest), when the deployment has a plan. */
  planSha256?: string | undefined;
  timings: StageTiming[];
  /** Full, unredacted terraform output: only for sinks that encrypt at rest. */
  output: string;
}
