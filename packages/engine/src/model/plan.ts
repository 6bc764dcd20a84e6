/** A plan and what is found in it: terraform's plan JSON (the part the engine reads), change counts, policy findings. */
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
