/**
 * The typed data that flows through a run. Plugins meet on these objects and on the hooks;
 * they never call each other.
 */

/** One entry of the accounts map in config. */
export interface AccountInfo {
  /** The key used in tfvars (`account_key = "dev"`). */
  key: string;
  /** Human name, used in state keys (`s3/<name>/<region>/<project>/...`). */
  name: string;
  /** 12-digit AWS account id. */
  id: string;
  /** Role assumed for this account (terraform backend, provider, plugin SDK calls). */
  roleArn?: string | undefined;
  /** Regions deployments in this account may target. Empty means any. */
  allowedRegions: string[];
}

/** A deployment: one `.tfvars` file, mapped to its shard of state. */
export interface Deployment {
  /** Path of the tfvars file relative to the config directory (posix separators). */
  file: string;
  /** Absolute path of the tfvars file. */
  absFile: string;
  /** sha256 of the tfvars bytes. */
  sha256: string;
  /** The project: the name of the folder that holds the tfvars file. */
  project: string;
  account: AccountInfo;
  /** Full region name (`us-east-1`). */
  region: string;
  /** Services detected from top-level keys, sorted (`["kms", "s3"]`). */
  services: string[];
  /** `{service}/{account}/{region}/{project}/terraform.tfstate` or `combined/...`. */
  key: string;
  /** Absolute path of the root module terraform runs in. */
  rootModule: string;
  /** Parsed tfvars values. */
  values: Record<string, unknown>;
  /**
   * The tfvars bytes as read once at discovery: `sha256` and `values` come from exactly these, and
   * a run snapshots them (`inputsFile`) so an edit of the file during the run changes nothing.
   * Absent only on a deployment a plugin built itself; the run then reads the file once.
   */
  tfvars?: Uint8Array | undefined;
  /**
   * The run's snapshot of `tfvars`, `.tfo/runs/<run-id>/<slug>/inputs.tfvars` (mode 0600): what
   * plan, verify and recovery pass to terraform. Set by the run before any deployment starts.
   */
  inputsFile?: string | undefined;
}

/** A tfvars file that existed at the base ref and is gone: reported, never destroyed. */
export interface DeletedDeployment {
  file: string;
  reason: string;
}

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

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** One policy finding. `deny` blocks unless waived; `warn` reports. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  level: 'deny' | 'warn';
  title: string;
  message: string;
  resource?: string | undefined;
  remediation?: string | undefined;
  /** The tfvars file the finding is reported against. */
  file?: string | undefined;
  /** Plugin that reported it. */
  source: string;
  waived?: { reason: string; approver?: string | undefined; expires: string } | undefined;
  /** The rule could not decide because a value it needs is unknown until apply (always `warn`). */
  unknown?: boolean | undefined;
  /** The rule's profile: `baseline` (reported by default) or `strict` (reported in the strict profile). */
  profile?: 'baseline' | 'strict' | undefined;
  /** Stable id of this finding across runs (same rule, file, resource and message). */
  fingerprint?: string | undefined;
}

export interface ChangeCounts {
  add: number;
  change: number;
  destroy: number;
  replace: number;
  /** Resources moved to a new address (`moved` blocks); a move may also be a change. */
  move?: number | undefined;
  /** Resources imported into state (`import` blocks). */
  import?: number | undefined;
  /** Resources removed from state but not destroyed (`removed` with `destroy = false`). */
  forget?: number | undefined;
  /** Addresses of the forgotten resources: they stay in the cloud, outside any state. */
  forgotten?: string[] | undefined;
}

export interface PlanResult {
  /** Path of the saved plan (`plan -out`). */
  planFile: string;
  /** `terraform show -json` of the saved plan. */
  json: PlanJson;
  changes: ChangeCounts;
  hasChanges: boolean;
}

/** The subset of terraform's plan JSON the engine reads; plugins may read the rest. */
export interface PlanJson {
  format_version?: string;
  terraform_version?: string;
  variables?: Record<string, { value: unknown }>;
  resource_changes?: Array<{
    address: string;
    /** Set when a `moved` block moves the resource here from this address. */
    previous_address?: string;
    type: string;
    name?: string;
    mode?: string;
    module_address?: string;
    change: {
      actions: string[];
      before?: unknown;
      after?: unknown;
      after_unknown?: unknown;
      before_sensitive?: unknown;
      after_sensitive?: unknown;
      /** Set when an `import` block imports the resource. */
      importing?: { id?: string; [k: string]: unknown };
    };
  }>;
  output_changes?: Record<string, unknown>;
  [k: string]: unknown;
}

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
  error?: { stage: Stage; message: string; code?: string; plugin?: string } | undefined;
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
}

export interface DeploymentResult {
  key: string;
  file: string;
  account: string;
  region: string;
  project: string;
  services: string[];
  status: DeploymentStatus;
  changes?: ChangeCounts | undefined;
  findings: Finding[];
  recovery?: RecoveryResult | undefined;
  error?: DeploymentContext['error'];
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

/** One record handed to the audit hook. */
export interface AuditRecord {
  id: string;
  timestamp: string;
  action: 'plan' | 'apply' | 'recover' | 'restore' | 'unlock' | 'waiver-used' | 'drift';
  runId: string;
  deployment: {
    key: string;
    account: string;
    accountId: string;
    region: string;
    project: string;
    services: string[];
    file: string;
    sha256: string;
  };
  actor: string;
  outcome: DeploymentStatus;
  findings: Finding[];
  recovery?: RecoveryResult | undefined;
  /** What failed the deployment (stage, message, error code, plugin); absent when nothing did. */
  error?: DeploymentContext['error'];
  /** The plan's digest (see planDigest), when the deployment has a plan. */
  planSha256?: string | undefined;
  timings: StageTiming[];
  /** Full, unredacted terraform output: only for sinks that encrypt at rest. */
  output: string;
}
