import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { auditRecords } from './audit-records.js';
import { deploymentContext } from './deployment-context.js';
import type { Engine } from './engine.js';
import { PluginError, TfoError } from './errors.js';
import type {
  Deployment,
  DeploymentContext,
  DeploymentResult,
  Failure,
  Lease,
  RecoveryResult,
  RunInfo,
  Stage,
} from './model.js';
import { inputsText } from './inputs-snapshot.js';
import type { Journal } from './journal.js';
import { OutputLog } from './output-log.js';

export interface PipelineOptions {
  run: RunInfo;
  binary: string;
  /** Environment shared by every terraform call of the run (TF_CLI_CONFIG_FILE, plugin cache). */
  baseEnv: Record<string, string>;
  runSignal: AbortSignal;
  /** The run journal: every stage, terraform process, plan, backup and lease of each key. */
  journal?: Journal | undefined;
}

/** A file-system-safe name for a deployment's folder under the run. */
export function slug(key: string): string {
  return key.replace(/\/terraform\.tfstate$/, '').replace(/[^A-Za-z0-9._-]+/g, '__');
}

/** Blocking findings: denies (and warns under failOn warn, decided by the plugin) not waived. */
export function blockingFindings(ctx: DeploymentContext): DeploymentContext['findings'] {
  return ctx.findings.filter((f) => f.level === 'deny' && !f.waived);
}

/**
 * One deployment through the lifecycle: lease → backend → plan → validate → [blocked] → backup
 * → apply → verify → [rollback] → settled → audit. Never throws: the outcome is in the result.
 */
export async function runDeployment(
  engine: Engine,
  deployment: Deployment,
  lane: number,
  options: PipelineOptions,
): Promise<DeploymentResult> {
  const { hooks, settings } = engine;
  const dir = path.join(options.run.dir, slug(deployment.key));
  await mkdir(dir, { recursive: true });
  const log = new OutputLog(path.join(dir, 'terraform.log'), settings.config.outputLimitBytes);
  const signal = AbortSignal.any([options.runSignal, timeoutSignal(settings.timeoutMs, deployment.key)]);
  let terraformMs = 0;
  const started = Date.now();

  const journal = options.journal;
  const ctx = deploymentContext(engine, options, {
    deployment,
    run: options.run,
    dir,
    dataDir: path.join(settings.stateDir, 'data', slug(deployment.key)),
    signal,
    runSignal: options.runSignal,
    // the run's snapshot of the inputs read at discovery (run.ts), never the live file
    varFile: deployment.inputsFile ?? deployment.absFile,
    log,
    onSpawn: (pid, pidStart, command) =>
      journal?.write({ t: 'terraform', key: deployment.key, command, pid, pidStart }),
    onProcessTime: (ms) => (terraformMs += ms),
  });

  journal?.write({
    t: 'key-start',
    key: deployment.key,
    // the inputs themselves are in the snapshot (varFile), not copied into the journal
    deployment: { ...deployment, values: {}, tfvars: undefined },
    dataDir: ctx.dataDir,
    dir,
    varFile: ctx.varFile,
  });
  const stage = async <T>(name: Stage, fn: () => Promise<T>): Promise<T> => {
    const timing = { stage: name, startedAt: Date.now() } as DeploymentContext['timings'][number];
    ctx.timings.push(timing);
    journal?.write({ t: 'stage', key: deployment.key, stage: name, phase: 'start' });
    engine.events.emit('deployment:stage', {
      key: deployment.key,
      file: deployment.file,
      stage: name,
      lane,
      at: timing.startedAt,
    });
    try {
      const out = await fn();
      timing.ok = true;
      return out;
    } catch (err) {
      timing.ok = false;
      throw new StageFailure(name, err);
    } finally {
      timing.endedAt = Date.now();
      journal?.write({ t: 'stage', key: deployment.key, stage: name, phase: 'end', ok: timing.ok });
    }
  };

  let lease: Lease | undefined;
  try {
    lease = await stage('lock', async () => hooks.lease.promise(ctx));
    if (lease) journal?.write({ t: 'lease', key: deployment.key, holder: lease.holder });
    ctx.backend = await stage('init', () => hooks.backend.promise({}, ctx));
    const plan = await stage('plan', () => hooks.plan.promise(ctx));
    if (!plan) throw new StageFailure('plan', new Error('no plugin produced a plan'));
    ctx.plan = plan;
    journal?.write({
      t: 'plan',
      key: deployment.key,
      planFile: plan.planFile,
      varFile: ctx.varFile,
      hasChanges: plan.hasChanges,
    });
    await stage('validate', () => hooks.validate.promise(ctx));
    if (blockingFindings(ctx).length > 0) {
      ctx.status = 'blocked';
    } else if (options.run.mode === 'plan') {
      ctx.status = plan.hasChanges ? 'planned' : 'no-changes';
    } else if (!plan.hasChanges) {
      ctx.status = 'no-changes';
    } else {
      await stage('backup', () => hooks.backup.promise(ctx));
      journal?.write({ t: 'backup', key: deployment.key, backup: ctx.backup, before: ctx.before });
      try {
        await stage('apply', () => hooks.apply.promise(ctx));
        await stage('verify', () => hooks.verify.promise(ctx));
        if (ctx.verify && !ctx.verify.ok) throw new StageFailure('verify', new Error(ctx.verify.detail));
        ctx.status = 'applied';
      } catch (err) {
        const failure = asFailure(err);
        record(ctx, failure);
        if (options.runSignal.aborted) {
          ctx.status = 'cancelled';
        } else {
          const recoverFrom = Date.now();
          ctx.recovery = await stage('recover', async () => hooks.rollback.promise(ctx, failure)).catch(
            (err: unknown) => recoveryFailed(ctx, err, recoverFrom),
          );
          ctx.status = ctx.recovery?.ok ? 'recovered' : 'failed';
        }
      }
    }
  } catch (err) {
    const failure = asFailure(err);
    record(ctx, failure);
    ctx.status = options.runSignal.aborted ? 'cancelled' : 'failed';
  } finally {
    await lease?.release().catch((err: unknown) => ctx.log(`# lease release failed: ${String(err)}\n`));
  }

  const durationMs = Date.now() - started;
  const problems = await settle(engine, ctx, durationMs, log);
  await log.close();
  if (log.failure) problems.push(`${deployment.key}: ${log.file} could not be written: ${log.failure}`);
  journal?.write({ t: 'key-end', key: deployment.key, status: ctx.status });
  return {
    key: deployment.key,
    file: deployment.file,
    account: deployment.account.name,
    region: deployment.region,
    project: deployment.project,
    services: deployment.services,
    status: ctx.status,
    changes: ctx.plan?.changes,
    findings: ctx.findings,
    recovery: ctx.recovery,
    error: ctx.error,
    timings: ctx.timings,
    durationMs,
    logFile: log.file,
    lane,
    terraformMs,
    ...(problems.length ? { problems } : {}),
  };
}

/** History, the `settled` hook, and the audit record: after the lease is released. */
/**
 * History, the `settled` hook, and the audit record: after the lease is released. Each step runs
 * even when one before it failed; what failed is returned (the run reports it, exit 1), never
 * swallowed.
 */
async function settle(engine: Engine, ctx: DeploymentContext, durationMs: number, log: OutputLog): Promise<string[]> {
  const d = ctx.deployment;
  const problems: string[] = [];
  const step = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${d.key}: ${what} failed: ${(err as Error).message}`);
    }
  };
  await step('run history', async () => {
    if (ctx.status !== 'cancelled') {
      await engine.history.append(d.key, {
        runId: ctx.run.id,
        at: new Date().toISOString(),
        file: d.file,
        status: ctx.status,
        durationMs,
        sha256: d.sha256,
      });
    }
    if (ctx.status === 'applied' || (ctx.status === 'no-changes' && ctx.run.mode === 'apply')) {
      await engine.history.setLastGood(d.key, {
        runId: ctx.run.id,
        at: new Date().toISOString(),
        file: d.file,
        sha256: d.sha256,
        tfvars: await inputsText(d),
      });
    }
  });
  await step('settled', () => engine.hooks.settled.promise(ctx));
  // every record goes to the sinks even when an earlier one could not be stored
  for (const record of auditRecords(ctx, log.text())) {
    await step(`audit of the ${record.action} record`, () => engine.hooks.audit.promise(record));
  }
  for (const p of problems) ctx.log(`# ${p}\n`);
  return problems;
}

class StageFailure extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function asFailure(err: unknown, fallback: Stage = 'plan'): Failure {
  if (err instanceof StageFailure) {
    const inner = err.cause instanceof Error ? err.cause : new Error(String(err.cause));
    return { stage: err.stage, error: inner };
  }
  return { stage: fallback, error: err instanceof Error ? err : new Error(String(err)) };
}

function record(ctx: DeploymentContext, failure: Failure): void {
  const e = failure.error;
  ctx.error = {
    stage: failure.stage,
    message: e.message,
    // a plugin's own coded error (a timeout, a held lock) says more than "a plugin failed"
    code:
      e instanceof PluginError && e.cause instanceof TfoError
        ? e.cause.code
        : e instanceof TfoError
          ? e.code
          : undefined,
    plugin: e instanceof PluginError ? e.plugin : undefined,
  };
  ctx.log(`\n# ${failure.stage} failed: ${e.message}\n`);
}

/** A rollback tap that threw (or missed its deadline): nothing was recovered, a human must look. */
function recoveryFailed(ctx: DeploymentContext, err: unknown, startedAt: number): RecoveryResult {
  const e = err instanceof StageFailure ? err.cause : err;
  const inner = e instanceof PluginError ? e.cause : e;
  const message = inner instanceof Error ? inner.message : String(inner);
  const detail =
    e instanceof PluginError
      ? `recovery failed: plugin "${e.plugin}" in rollback: ${message}`
      : `recovery failed: ${message}`;
  ctx.log(`\n# ${detail}\n`);
  return {
    action: 'manual',
    ok: false,
    detail,
    durationMs: Date.now() - startedAt,
    by: e instanceof PluginError ? e.plugin : 'tfo',
  };
}

function timeoutSignal(ms: number, key: string): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(new TfoError('TFO_ERR_TIMEOUT', `${key} ran past its timeout of ${Math.round(ms / 1000)} s`)),
    ms,
  );
  timer.unref();
  return controller.signal;
}
