import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../run/engine.js';
import { pushCommand, pushKept, takeErroredState } from './errored-state.js';
import { STAGE } from '../run/hooks.js';
import type { History } from './history.js';
import type { BackupStore } from './state-store.js';
import type {
  BackupKind,
  BackupRecord,
  DeploymentContext,
  Failure,
  RecoveryAction,
  RecoveryResult,
  StateFingerprint,
} from '../model.js';
import { orphanedBy } from './state-file.js';
import { tapStateGuard } from './state-guard.js';
import { applyPlanArgs, planArgs } from '../terraform/terraform-args.js';

/** What a state backend lets recovery do. */
export interface StateAccess {
  fingerprint(): Promise<StateFingerprint>;
  /** Puts the backup's bytes back as the current state (a new version, never deleting history). */
  restore(backup: BackupRecord): Promise<void>;
  /** Keeps the current state's bytes as a backup of the kind given (before they are overwritten). */
  keep?(kind: BackupKind): Promise<void>;
}

export interface RecoveryPolicy {
  mode: 'reapply' | 'raw-restore';
  firstDeployment: 'destroy-created' | 'keep';
  history: History;
  /** Plugin name recorded as `by`. */
  by: string;
  /** Where a state terraform could not save is kept until pushed (`<stateDir>/errored/<key>`). */
  stateDir?: string | undefined;
}

/** The recovery DESIGN.md prescribes for a failed apply or verify, decided from the state's identity. */
export function decideRecovery(
  before: StateFingerprint | undefined,
  after: StateFingerprint,
  failure: Failure,
  policy: Pick<RecoveryPolicy, 'mode' | 'firstDeployment'>,
  hasLastGood: boolean,
): RecoveryAction {
  const prior = before ?? { exists: false, readable: false };
  if (failure.stage !== 'verify') {
    if (prior.exists && after.sha256 === prior.sha256) return 'none';
    if (!prior.exists && !after.exists) return 'none';
  }
  if (prior.exists && (!after.exists || !after.readable || after.lineage !== prior.lineage)) return 'restore-backup';
  if (!after.readable) return 'manual';
  if (policy.mode === 'raw-restore' && prior.exists) return 'raw-restore';
  if (hasLastGood) return 'reapply-last-good';
  // no state, or a state that holds nothing (a past first deployment that was rolled back)
  if (!prior.exists || (prior.addresses ?? []).length === 0)
    return policy.firstDeployment === 'destroy-created' ? 'destroy-created' : 'manual';
  return 'manual';
}

/** Runs the decided recovery; never throws: failures of recovery itself are in the result. */
export async function recover(
  ctx: DeploymentContext,
  failure: Failure,
  access: StateAccess,
  policy: RecoveryPolicy,
  signal: AbortSignal,
): Promise<RecoveryResult> {
  const started = Date.now();
  const done = (action: RecoveryAction, ok: boolean, detail: string, orphaned?: string[]): RecoveryResult => ({
    action,
    ok,
    detail,
    orphaned,
    durationMs: Date.now() - started,
    by: policy.by,
  });
  try {
    const saved = await saveErroredState(ctx, failure, access, policy.stateDir ?? ctx.dir, signal);
    if (saved.problem) return done('manual', false, saved.problem);
    if (saved.pushed && (await planIsClean(ctx, signal).catch(() => false))) {
      // only the final state write failed: every resource is in the state pushed
      return done(
        'none',
        true,
        'terraform could not save its state; tfo pushed the state it kept (lineage and serial checked) and a fresh plan shows no changes',
      );
    }
    const after = await access.fingerprint();
    const lastGood = await policy.history.lastGood(ctx.deployment.key);
    const action = decideRecovery(ctx.before, after, failure, policy, lastGood !== undefined);
    ctx.log(
      `\n# recovery: ${action} (state before serial ${ctx.before?.serial ?? '-'}, after ${after.serial ?? '-'})\n`,
    );
    switch (action) {
      case 'none':
        return done(action, true, 'terraform wrote nothing: the state is unchanged');
      case 'restore-backup': {
        if (!ctx.backup?.location) return done('manual', false, 'state is damaged and no backup exists');
        await access.restore(ctx.backup);
        return done(action, true, `state was ${describe(after)}: restored backup ${ctx.backup.location}`);
      }
      case 'raw-restore': {
        if (!ctx.backup?.location) return done('manual', false, 'raw restore asked for but no backup exists');
        const orphaned = orphanedBy(ctx.before ?? { exists: false, readable: false }, after);
        await access.restore(ctx.backup);
        return done(
          action,
          true,
          `restored backup ${ctx.backup.location}; ${orphaned.length} resource(s) created by this run are orphaned`,
          orphaned,
        );
      }
      case 'reapply-last-good': {
        const good = lastGood!;
        const file = path.join(ctx.dir, 'last-good.tfvars');
        await writeFile(file, good.tfvars, { mode: 0o600 });
        await converge(ctx, file, false, signal);
        return done(action, true, `re-applied the last good inputs (run ${good.runId}, ${good.sha256.slice(0, 12)})`);
      }
      case 'destroy-created': {
        const created = after.addresses ?? [];
        await converge(ctx, ctx.varFile, true, signal);
        return done(action, true, `first deployment: destroyed the ${created.length} resource(s) it created`);
      }
      case 'manual':
        return done(
          action,
          false,
          ctx.before?.exists
            ? 'no last good inputs are known for this key: left as terraform wrote it; fix the inputs and re-run'
            : 'first deployment kept as terraform wrote it (recovery.firstDeployment = keep)',
        );
    }
  } catch (err) {
    return done('manual', false, `recovery failed: ${(err as Error).message}`);
  }
}

/**
 * When the backend refused terraform's final state write, terraform keeps that state in
 * `errored.tfstate` in its working directory: without it, what the apply created is in no state.
 * It is kept (see errored-state.ts) and pushed with `state push -force` once it is checked to be
 * of the key's lineage and not older than its state; returns why it could not be, if so (the
 * next run of the key pushes it, after the same check, before it plans).
 */
async function saveErroredState(
  ctx: DeploymentContext,
  failure: Failure,
  access: StateAccess,
  stateDir: string,
  signal: AbortSignal,
): Promise<{ problem?: string; pushed?: boolean }> {
  if (failure.stage !== 'apply') return {};
  const taken = await takeErroredState(ctx, stateDir);
  if (!taken) return {};
  if ('skipped' in taken) return { problem: taken.skipped };
  const command = pushCommand(ctx, taken.file);
  const current = await access.fingerprint();
  try {
    // over a state it cannot read (a final write torn by a full disk), the pre-apply state goes back first
    const push = { file: taken.file, kept: taken.fp, current, known: ctx.before, restoreFrom: ctx.backup };
    const why = await pushKept(ctx, access, push, signal);
    if (why) {
      const problem = `terraform could not save its state; the state it kept (${taken.file}) was not pushed: ${why}. Inspect it; if it is the state of ${ctx.deployment.key}, push it with \`${command}\` and remove ${taken.file}`;
      return { problem };
    }
    ctx.log(`# recovery: terraform could not save its state; pushed the state it kept (serial ${taken.fp.serial})\n`);
    return { pushed: true };
  } catch (err) {
    const problem = `terraform could not save its state and pushing the state it kept failed (${(err as Error).message}); it is kept at ${taken.file}: the next run of ${ctx.deployment.key} pushes it (after checking its lineage and serial), or push it now with \`${command}\``;
    return { problem };
  }
}

/** Whether a fresh plan of the deployment's inputs shows no changes. */
async function planIsClean(ctx: DeploymentContext, signal: AbortSignal): Promise<boolean> {
  const check = await ctx.terraform(planArgs(ctx, ctx.varFile, { detailedExitCode: true }), {
    okCodes: [0, 2],
    signal,
  });
  return check.exitCode === 0;
}

/** Plans (or plans destroy) with `varFile`, applies that plan, and checks nothing is left to do. */
async function converge(ctx: DeploymentContext, varFile: string, destroy: boolean, signal: AbortSignal): Promise<void> {
  const planFile = path.join(ctx.dir, destroy ? 'recover-destroy.tfplan' : 'recover.tfplan');
  await ctx.terraform(planArgs(ctx, varFile, { out: planFile, destroy }), { signal });
  await ctx.terraform(applyPlanArgs(ctx, planFile), { signal });
  const check = await ctx.terraform(planArgs(ctx, varFile, { destroy, detailedExitCode: true }), {
    okCodes: [0, 2],
    signal,
  });
  if (check.exitCode === 2) throw new Error('changes remain after recovery');
}

function describe(fp: StateFingerprint): string {
  if (!fp.exists) return 'missing';
  if (!fp.readable) return 'unreadable';
  return `of another lineage (${fp.lineage})`;
}

/** After every verify tap (the engine's default one runs at STAGE.DEFAULT). */
const AFTER_VERIFY = STAGE.DEFAULT + 1;

/**
 * The taps every state plugin needs, over its own storage: the state guard before plan, the
 * backup before apply into ctx.backup/ctx.before, a post-apply backup after a verified apply
 * (the key's last known-good), and the recovery above on failure.
 */
export function tapBackupAndRecovery(engine: Engine, tap: { name: string; stage: number }, store: BackupStore): void {
  tapStateGuard(engine, tap.name, store);
  engine.hooks.backup.tapPromise(tap, async (ctx) => {
    const { record, before } = await store.backup(ctx.deployment.key, tap.name, 'pre-apply');
    ctx.backup = record;
    ctx.before = before;
    ctx.log(
      record.firstDeployment
        ? '# backup: no state yet (first deployment)\n'
        : `# backup: ${record.location} (serial ${record.serial}, sha256 ${record.sha256})\n`,
    );
  });
  engine.hooks.verify.tapPromise({ name: tap.name, stage: AFTER_VERIFY }, async (ctx) => {
    if (ctx.verify && !ctx.verify.ok) return;
    // the apply stands either way: a post-apply backup that cannot be written is a warning
    try {
      const { record } = await store.backup(ctx.deployment.key, tap.name, 'post-apply');
      if (record.location) ctx.log(`# backup (post-apply): ${record.location} (serial ${record.serial})\n`);
    } catch (err) {
      const message = `post-apply backup failed: ${(err as Error).message}`;
      ctx.log(`# ${message}\n`);
      engine.events.emit('notice', { level: 'warn', key: ctx.deployment.key, message });
    }
  });
  engine.hooks.recover.tapPromise(tap, (ctx, failure) =>
    recover(
      ctx,
      failure,
      {
        fingerprint: () => store.fingerprint(ctx.deployment.key),
        restore: (b) => store.restoreBytes(b),
        keep: async (kind) => void (await store.backup(ctx.deployment.key, tap.name, kind)),
      },
      {
        ...engine.settings.config.recovery,
        history: engine.history,
        by: tap.name,
        stateDir: engine.settings.stateDir,
      },
      AbortSignal.any([ctx.runSignal, AbortSignal.timeout(engine.settings.timeoutMs)]),
    ),
  );
}
