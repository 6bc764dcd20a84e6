import path from 'node:path';
import type { Engine } from './engine.js';
import type { BackupRecord, Deployment, DeploymentContext, RunInfo, StateFingerprint } from '../model.js';
import type { OutputLog } from '../terraform/output-log.js';
import { terraform } from '../terraform/terraform.js';

/** The run-level settings every terraform call of a deployment shares. */
export interface TerraformBase {
  binary: string;
  /** Environment shared by every terraform call of the run (TF_CLI_CONFIG_FILE, plugin cache). */
  baseEnv: Record<string, string>;
}

/** Variables tfo sets for every root module through the environment (see README, Configuration). */
export function identityEnv(d: Deployment): Record<string, string> {
  return {
    TF_VAR_tfo_account_name: d.account.name,
    TF_VAR_tfo_account_id: d.account.id,
    TF_VAR_tfo_region: d.region,
    TF_VAR_tfo_project: d.project,
    TF_VAR_tfo_state_key: d.key,
    TF_VAR_tfo_role_arn: d.account.roleArn ?? '',
  };
}

/**
 * A deployment's sensitive values, each one also the engine's as soon as it is known: what is
 * shown while the deployment still runs (progress, notices, other deployments' output) is
 * redacted with it, not only what is shown after it ends.
 */
class SensitiveValues extends Set<string> {
  readonly #all: Set<string>;

  constructor(all: Set<string>) {
    super();
    this.#all = all;
  }

  override add(value: string): this {
    this.#all.add(value);
    return super.add(value);
  }
}

/**
 * A deployment's context: what every per-deployment hook receives, with `terraform()` bound to
 * the deployment's root module, environment, data dir, signal and log. A run's pipeline and the
 * reconcile of an interrupted run build it the same way.
 */
export function deploymentContext(
  engine: Engine,
  base: TerraformBase,
  parts: {
    deployment: Deployment;
    run: RunInfo;
    /** The deployment's folder in the run (`.tfo/runs/<id>/<slug>/`). */
    dir: string;
    dataDir: string;
    signal: AbortSignal;
    runSignal: AbortSignal;
    varFile: string;
    log: OutputLog;
    before?: StateFingerprint | undefined;
    backup?: BackupRecord | undefined;
    /** Set when the context finishes a key of an interrupted run (reconcile), not a fresh deployment. */
    reconciling?: true | undefined;
    /** Told each terraform process started (the run journal). */
    onSpawn?: ((pid: number, pidStart: string | undefined, command: string) => void) | undefined;
    onProcessTime?: ((ms: number) => void) | undefined;
  },
): DeploymentContext {
  const { deployment, log } = parts;
  const ctx: DeploymentContext = {
    deployment,
    run: parts.run,
    dir: parts.dir,
    dataDir: parts.dataDir,
    signal: parts.signal,
    runSignal: parts.runSignal,
    env: {},
    backend: {},
    status: 'running',
    findings: [],
    timings: [],
    sensitive: new SensitiveValues(engine.sensitive),
    data: new Map(),
    varFile: parts.varFile,
    before: parts.before,
    backup: parts.backup,
    ...(parts.reconciling ? { reconciling: true as const } : {}),
    log: (text) => log.write(text),
    terraform: (args, opts = {}) =>
      terraform(
        {
          binary: base.binary,
          cwd: deployment.rootModule,
          env: { ...base.baseEnv, ...identityEnv(deployment), TF_DATA_DIR: ctx.dataDir, ...ctx.env },
          signal: opts.signal ?? ctx.signal,
          graceMs: engine.settings.graceMs,
          log: ctx.log,
          outputDir: path.join(parts.dir, 'terraform'),
          onSpawn: parts.onSpawn,
          onProcessTime: parts.onProcessTime,
        },
        args,
        opts,
      ),
  };
  // the log is redacted with what is known sensitive when each part is written (the engine's
  // values: the deployment's are among them as soon as they are known)
  log.redactWith(
    () => engine.sensitive,
    (file, task, transfer) => engine.runTask(file, task, transfer),
  );
  return ctx;
}
