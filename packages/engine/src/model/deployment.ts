/** A deployment: one tfvars file, its account, region, project, services and state key. */
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

/**
 * Who a deployment is, as results, events and audit records name it: its state key, tfvars file,
 * account name, region, project and services. One shape wherever a deployment is named.
 */
export interface DeploymentIdentity {
  key: string;
  file: string;
  account: string;
  region: string;
  project: string;
  services: string[];
}

/** A tfvars file that existed at the base ref and is gone: reported, never destroyed. */
export interface DeletedDeployment {
  file: string;
  reason: string;
}
