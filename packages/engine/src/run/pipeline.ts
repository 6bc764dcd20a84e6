import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { auditRecords } from './audit-records.js';
import { deploymentContext } from './deployment-context.js';
import type { Engine } from './engine.js';
import { TfoError } from '../errors.js';
import type { Deployment, DeploymentContext, DeploymentResult, Lease, RunInfo, Stage } from '../model.js';
import { inputsText } from '../discovery/inputs-snapshot.js';
import type { Journal } from './journal.js';
import { OutputLog } from '../terraform/output-log.js';
import { asFailure, record, recoveryFailed, StageFailure } from './stage-failure.js';

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
 * One deployment through the lifecycle: lock → init → plan → validate → [blocked] → backup
 * → apply → verify → [recover] → settled → audit. Never throws: the outcome is in the result.
 */
export async function runDeployment(
  engine: Engine,
  deployment: Deployment,
  lane: number,
  options: PipelineOptions,
): Promise<DeploymentResult> {
  const dir = path.join(options.run.dir, slug(deployment.key));
  await mkdir(dir, { recursive: true });
  const log = new OutputLog(path.join(dir, 'terraform.log'), engine.settings.config.outputLimitBytes);
  const signal = AbortSignal.any([options.runSignal, timeoutSignal(engine.settings.timeoutMs, deployment.key)]);
  const clock = { started: Date.now(), terraformMs: 0 };
  const journal = options.journal;
  const ctx = deploymentContext(engine, options, {
    deployment,
    run: options.run,
    dir,
    dataDir: path.join(engine.settings.stateDir, 'data', slug(deployment.key)),
    signal,
    runSignal: options.runSignal,
    // the run's snapshot of the inputs read at discovery (run.ts), never the live file
    varFile: deployment.inputsFile ?? deployment.absFile,
    log,
    onSpawn: (pid, pidStart, command) =>
      journal?.write({ t: 'terraform', key: deployment.key, command, pid, pidStart }),
    onProcessTime: (ms) => (clock.terraformMs += ms),
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
  await lifecycle(engine, ctx, stageRunner(engine, ctx, lane, journal), options);

  const durationMs = Date.now() - clock.started;
  const problems = await settle(engine, ctx, durationMs, log);
  await log.close();
  if (log.failure) problems.push(`${deployment.key}: ${log.file} could not be written: ${log.failure}`);
  journal?.write({ t: 'key-end', key: deployment.key, status: ctx.status });
  return resultOf(ctx, { lane, durationMs, terraformMs: clock.terraformMs, logFile: log.file, problems });
}

type StageRunner = <T>(name: Stage, fn: () => Promise<T>) => Promise<T>;

/** Runs one stage: its timing, its journal entries and its event; a throw becomes a StageFailure. */
function stageRunner(engine: Engine, ctx: DeploymentContext, lane: number, journal: Journal | undefined): StageRunner {
  const { deployment } = ctx;
  return async (name, fn) => {
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
}

/** The stages under the key's lock; sets ctx.status (and ctx.error on a failure). */
async function lifecycle(engine: Engine, ctx: DeploymentContext, stage: StageRunner, options: PipelineOptions) {
  const { hooks } = engine;
  const { deployment } = ctx;
  const journal = options.journal;
  let lease: Lease | undefined;
  try {
    lease = await stage('lock', async () => hooks.lock.promise(ctx));
    if (lease) journal?.write({ t: 'lease', key: deployment.key, holder: lease.holder });
    ctx.backend = await stage('init', () => hooks.init.promise({}, ctx));
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
      await applyOrRecover(engine, ctx, stage, options);
    }
  } catch (err) {
    record(ctx, asFailure(err));
    ctx.status = options.runSignal.aborted ? 'cancelled' : 'failed';
  } finally {
    await lease?.release().catch((err: unknown) => ctx.log(`# lease release failed: ${String(err)}\n`));
  }
}

/** backup → apply → verify; a failed apply or verify goes to the recover hook (unless cancelled). */
async function applyOrRecover(engine: Engine, ctx: DeploymentContext, stage: StageRunner, options: PipelineOptions) {
  const { hooks } = engine;
  await stage('backup', () => hooks.backup.promise(ctx));
  options.journal?.write({ t: 'backup', key: ctx.deployment.key, backup: ctx.backup, before: ctx.before });
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
      return;
    }
    const recoverFrom = Date.now();
    ctx.recovery = await stage('recover', async () => hooks.recover.promise(ctx, failure)).catch((err: unknown) =>
      recoveryFailed(ctx, err, recoverFrom),
    );
    ctx.status = ctx.recovery?.ok ? 'recovered' : 'failed';
  }
}

function resultOf(
  ctx: DeploymentContext,
  o: { lane: number; durationMs: number; terraformMs: number; logFile: string; problems: string[] },
): DeploymentResult {
  const { deployment } = ctx;
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
    durationMs: o.durationMs,
    logFile: o.logFile,
    lane: o.lane,
    terraformMs: o.terraformMs,
    ...(o.problems.length ? { problems: o.problems } : {}),
  };
}

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
  // every record goes to the sinks even when an earlier one could not be stored; none is built
  // (nor its plan digest) when no sink listens
  const records = engine.hooks.audit.taps.length > 0 ? auditRecords(ctx, log.text()) : [];
  for (const record of records) {
    await step(`audit of the ${record.action} record`, () => engine.hooks.audit.promise(record));
  }
  for (const p of problems) ctx.log(`# ${p}\n`);
  return problems;
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
