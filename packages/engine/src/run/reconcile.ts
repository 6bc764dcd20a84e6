import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from './engine.js';
import { TfoError } from '../errors.js';
import {
  failedStage,
  interruptedStage,
  Journal,
  journaledRuns,
  journalFile,
  processAlive,
  unfinishedRun,
  type KeyJournal,
  type UnfinishedRun,
} from './journal.js';
import type {
  DeploymentContext,
  Lease,
  ReconciledKey,
  RunInfo,
  Stage,
  StageTiming,
  StateFingerprint,
} from '../model.js';
import { OutputLog } from '../terraform/output-log.js';
import { settleReconciled } from './reconcile-record.js';
import { slug } from './pipeline.js';
import { deploymentContext } from './deployment-context.js';
import { releaseDeadTerraformLock } from '../terraform/terraform-lock.js';

export interface ReconcileOptions {
  /** The run doing the reconciling. */
  run: RunInfo;
  binary: string;
  baseEnv: Record<string, string>;
  signal: AbortSignal;
  /** `--resume <run-id>`: only this run, and say why when there is nothing to do. */
  resume?: string | undefined;
}

/** `--resume <run-id>` names a run with a journal under `runsDir`, or it is a usage error. */
export function checkResumable(runsDir: string, runId: string): void {
  if (!/^[\w-]+$/.test(runId) || !existsSync(journalFile(path.join(runsDir, runId)))) {
    throw new TfoError('TFO_ERR_USAGE', `--resume ${runId}: no run journal of that run under ${runsDir}`);
  }
}

/**
 * Finds earlier runs that died without ending (their journal has no `run-end`) and whose tfo is
 * provably gone. A plan run only reports them; an apply run reconciles each unfinished key: waits
 * for its terraform, takes its lease, verifies with the inputs that run used, recovers when verify
 * is not clean, audits the interrupted apply and marks the old run reconciled.
 */
export async function reconcileInterrupted(engine: Engine, options: ReconcileOptions): Promise<ReconciledKey[]> {
  const runsDir = path.dirname(options.run.dir);
  const ids = options.resume ? [options.resume] : journaledRuns(runsDir).filter((id) => id !== options.run.id);
  if (options.resume) checkResumable(runsDir, options.resume);
  const out: ReconciledKey[] = [];
  for (const id of ids) {
    const old = unfinishedRun(path.join(runsDir, id));
    if (!old) {
      if (options.resume) notice(engine, 'info', `run ${id} ended or was already reconciled: nothing to resume`);
      continue;
    }
    if (old.liveness !== 'gone') {
      const why =
        old.liveness === 'alive'
          ? `run ${id} is still running (pid ${old.start.pid})`
          : `run ${id} ran on host ${old.start.host}: whether it is alive cannot be told from here`;
      if (options.resume) {
        out.push({ runId: id, key: '*', stage: 'none', action: 'failed', ok: false, detail: `${why}: not resumed` });
      }
      if (old.liveness === 'unknown') notice(engine, 'warn', `${why}; left alone`);
      continue;
    }
    const open = old.keys.filter((k) => !k.finished);
    if (options.run.mode === 'plan') {
      for (const k of open) {
        const stage = interruptedStage(k);
        const detail = `run ${id} was interrupted during ${stage}; \`tfo apply\` reconciles it`;
        notice(engine, 'warn', detail, k.key);
        out.push({ runId: id, key: k.key, stage, action: 'reported', ok: true, detail });
      }
      continue;
    }
    const journal = new Journal(old.dir);
    let settled = true;
    for (const k of open) {
      if (options.signal.aborted) break;
      const r = await reconcileKey(engine, old, k, journal, options);
      out.push(r.result);
      notice(engine, r.result.ok ? 'info' : 'error', `reconciled ${id}: ${r.result.detail}`, k.key);
      if (r.decided) {
        journal.write({ t: 'key-reconciled', key: k.key, by: options.run.id, ...pick(r.result) });
      } else settled = false;
    }
    if (settled && !options.signal.aborted) journal.write({ t: 'reconciled', by: options.run.id });
  }
  return out;
}

function pick(r: ReconciledKey): { action: string; ok: boolean; detail: string } {
  return { action: r.action, ok: r.ok, detail: r.detail };
}

function notice(engine: Engine, level: 'info' | 'warn' | 'error', message: string, key?: string): void {
  engine.events.emit('notice', { level, message, key });
}

/** `decided`: the outcome is final (audited) and is written into the old journal. */
async function reconcileKey(
  engine: Engine,
  old: UnfinishedRun,
  k: KeyJournal,
  oldJournal: Journal,
  options: ReconcileOptions,
): Promise<{ result: ReconciledKey; decided: boolean }> {
  const stage = interruptedStage(k);
  const base = { runId: old.runId, key: k.key, stage };
  const fail = (detail: string, decided = false) => ({
    result: { ...base, action: 'failed' as const, ok: false, detail },
    decided,
  });
  const stillRunning = await waitForOldTerraform(engine, old, k, options);
  if (stillRunning) return fail(stillRunning);
  const started = Date.now();
  const dir = path.join(options.run.dir, 'reconcile', slug(k.key));
  await mkdir(dir, { recursive: true });
  const log = new OutputLog(path.join(dir, 'terraform.log'), engine.settings.config.outputLimitBytes);
  const ctx = reconcileContext(engine, k, dir, log, oldJournal, options);
  let lease: Lease | undefined;
  try {
    lease = await timed(ctx, 'lock', () => engine.hooks.lock.promise(ctx));
    const leasedAt = Date.now();
    // another run may have reconciled the key while this one waited for the lease
    if (!unfinishedRun(old.dir)?.keys.some((o) => o.key === k.key && !o.finished)) {
      const detail = `run ${old.runId} was reconciled by another run meanwhile`;
      return { result: { ...base, action: 'released', ok: true, detail }, decided: false };
    }
    const lines = [`run ${old.runId} was interrupted during ${stage}; reconciled by run ${options.run.id}`];
    const applyStarted = k.stages.some((s) => s.stage === 'apply' && s.phase === 'start');
    if (k.terraforms.length > 0) {
      // the terraform default's init tap runs terraform init with the settings
      ctx.backend = await timed(ctx, 'init', () => engine.hooks.init.promise({}, ctx));
      if (existsSync(ctx.varFile)) {
        const dead = k.terraforms.map((t) => ({ pid: t.pid, command: t.command, startedAt: Date.parse(t.at) }));
        const released = await releaseDeadTerraformLock(ctx, dead, leasedAt);
        if (released) lines.push(released);
      }
    }
    if (!applyStarted) {
      lines.push('nothing was applied; its lease is released');
      return { result: { ...base, action: 'released', ok: true, detail: lines.join('; ') }, decided: true };
    }
    const store = engine.capability('state') as
      | { fingerprint?: (key: string) => Promise<StateFingerprint> }
      | undefined;
    const now = await store?.fingerprint?.(k.key).catch(() => undefined);
    lines.push(`state before apply: ${describe(ctx.before)}; now: ${describe(now)}`);
    await verifyOrRecover(engine, ctx, k, stage, lines);
    const detail = lines.join('; ');
    ctx.log(`\n# ${lines.join('\n# ')}\n`);
    await settleReconciled(engine, ctx, old, k, started, log);
    const action = ctx.status === 'applied' ? 'verified' : ctx.status === 'recovered' ? 'recovered' : 'failed';
    return { result: { ...base, action, ok: ctx.status !== 'failed', detail, recovery: ctx.recovery }, decided: true };
  } catch (err) {
    ctx.log(`\n# reconcile failed: ${(err as Error).message}\n`);
    return fail(`reconcile failed: ${(err as Error).message}`);
  } finally {
    await lease?.release().catch((err: unknown) => ctx.log(`# lease release failed: ${String(err)}\n`));
    await log.close();
  }
}

/** Waits for a terraform of the old run that still runs; the reason to stop when it outlives the timeout. */
async function waitForOldTerraform(
  engine: Engine,
  old: UnfinishedRun,
  k: KeyJournal,
  options: ReconcileOptions,
): Promise<string | undefined> {
  for (const tf of k.terraforms.filter((t) => processAlive(t.pid, t.pidStart))) {
    notice(
      engine,
      'info',
      `terraform ${tf.command} (pid ${tf.pid}) of run ${old.runId} is still running: waiting`,
      k.key,
    );
    if (!(await waitGone(tf.pid, tf.pidStart, engine.settings.timeoutMs, options.signal))) {
      return `terraform ${tf.command} (pid ${tf.pid}) of run ${old.runId} is still running; left for the next run`;
    }
  }
  return undefined;
}

/** Verifies what the interrupted apply left; recovers the key when it does not verify. */
async function verifyOrRecover(
  engine: Engine,
  ctx: DeploymentContext,
  k: KeyJournal,
  stage: Stage | 'none',
  lines: string[],
): Promise<void> {
  if (!existsSync(ctx.varFile)) {
    lines.push(`the inputs file that run used (${ctx.varFile}) is gone: cannot verify`);
  } else {
    await timed(ctx, 'verify', () => engine.hooks.verify.promise(ctx)).catch((err: unknown) => {
      ctx.verify = { ok: false, detail: `verify failed: ${(err as Error).message}` };
    });
    lines.push(ctx.verify ? `verify: ${ctx.verify.detail}` : 'verify: no verify plugin answered');
  }
  if (ctx.verify?.ok) {
    ctx.status = 'applied';
  } else {
    const failed = failedStage(k);
    const failure = {
      stage: (failed && failed !== 'recover' ? failed : stage === 'verify' ? 'verify' : 'apply') as Stage,
      error: new Error(lines[0]),
    };
    ctx.recovery = await timed(ctx, 'recover', () => engine.hooks.recover.promise(ctx, failure)).catch(
      (err: unknown) => ({
        action: 'manual' as const,
        ok: false,
        detail: `recovery failed: ${(err as Error).message}`,
        durationMs: 0,
        by: 'tfo:reconcile',
      }),
    );
    lines.push(
      ctx.recovery ? `recovery: ${ctx.recovery.action}: ${ctx.recovery.detail}` : 'recovery: no plugin answered',
    );
    ctx.status = ctx.recovery?.ok ? 'recovered' : 'failed';
  }
}

/** A deployment context over what the old run's journal recorded for the key. */
function reconcileContext(
  engine: Engine,
  k: KeyJournal,
  dir: string,
  log: OutputLog,
  oldJournal: Journal,
  options: ReconcileOptions,
): DeploymentContext {
  return deploymentContext(engine, options, {
    deployment: k.start.deployment,
    run: options.run,
    dir,
    dataDir: k.start.dataDir,
    signal: options.signal,
    runSignal: options.signal,
    varFile: k.plan?.varFile ?? k.start.varFile,
    before: k.backup?.before,
    backup: k.backup?.backup,
    reconciling: true,
    log,
    // recorded in the old run's journal: a reconcile killed in turn is waited for next time
    onSpawn: (pid, pidStart, command) => oldJournal.write({ t: 'terraform', key: k.key, command, pid, pidStart }),
  });
}

async function timed<T>(ctx: DeploymentContext, stage: Stage, fn: () => Promise<T>): Promise<T> {
  const timing: StageTiming = { stage, startedAt: Date.now() };
  ctx.timings.push(timing);
  try {
    const out = await fn();
    timing.ok = true;
    return out;
  } catch (err) {
    timing.ok = false;
    throw err;
  } finally {
    timing.endedAt = Date.now();
  }
}

function describe(fp: StateFingerprint | undefined): string {
  if (!fp) return 'unknown';
  if (!fp.exists) return 'none';
  if (!fp.readable) return 'unreadable';
  return `serial ${fp.serial} (lineage ${fp.lineage})`;
}

/** Waits until the process is gone; false when it is still there after `timeoutMs` or on abort. */
async function waitGone(
  pid: number,
  startTime: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid, startTime)) {
    if (Date.now() >= deadline || signal.aborted) return false;
    await sleep(250);
  }
  return true;
}
