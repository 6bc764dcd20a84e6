import { existsSync } from 'node:fs';
import path from 'node:path';
import { knownGoodBackups } from './backups.js';
import type { Engine } from '../run/engine.js';
import { keptStatePath, pushCommand, pushKept } from './errored-state.js';
import { TfoError } from '../errors.js';
import type { History } from './history.js';
import { STAGE } from '../run/hooks.js';
import type { BackupKind, BackupRecord, DeploymentContext, StateFingerprint } from '../model.js';
import { fingerprintFile } from './state-file.js';
import type { BackupStore } from './state-store.js';

/** What tfo knows about a key's past: whether it was deployed, and the state it last had. */
export interface KnownState {
  /** Why the key is known to have been deployed (undefined: a first deployment). */
  deployed?: string | undefined;
  /** The newest backup of a state the key really had (pre-apply, post-apply or restored). */
  last?: BackupRecord | undefined;
}

/**
 * A key was deployed before when it has a backup (of any kind: each holds a state the key had)
 * or a history entry of a successful apply. Plan-only runs, blocked runs and first deployments
 * that failed before writing any state leave history too, and are still first deployments.
 */
export async function knownStateOf(key: string, store: BackupStore, history: History): Promise<KnownState> {
  const all = (await store.backups(key)).filter((b) => b.location);
  const last = knownGoodBackups(all)[0];
  if (all.length > 0) return { deployed: `${all.length} backup(s), the newest of ${all[0]!.createdAt}`, last };
  const applied = (await history.entries(key)).filter((e) => e.status === 'applied');
  if (applied.length > 0) {
    return { deployed: `applied by run ${applied.at(-1)!.runId} at ${applied.at(-1)!.at}`, last };
  }
  return {};
}

/** What is wrong with a known key's current state, or undefined when nothing is. */
export function damageOf(current: StateFingerprint, known: KnownState): string | undefined {
  if (!known.deployed) return undefined;
  if (current.empty) return 'empty (0 bytes)';
  if (!current.exists) return 'missing';
  if (!current.readable) return 'unreadable (not a terraform state)';
  const expected = known.last?.lineage;
  if (expected && current.lineage !== expected) {
    return `of lineage ${current.lineage} where ${expected} was expected (the lineage of backup ${known.last!.location})`;
  }
  return undefined;
}

/**
 * Before a key plans: pushes a state terraform could not save in an earlier run (when that is
 * safe), then stops a key that was deployed before whose state is missing, empty, unreadable or
 * of another lineage. Planning over such a state would re-create every resource under a new
 * lineage and orphan the real ones.
 */
export async function guardState(
  ctx: DeploymentContext,
  store: BackupStore,
  engine: Pick<Engine, 'history'> & { settings: { stateDir: string } },
): Promise<void> {
  const key = ctx.deployment.key;
  const known = await knownStateOf(key, store, engine.history);
  const kept = keptStatePath(engine.settings.stateDir, key);
  if (existsSync(kept)) await pushPending(ctx, store, known, kept);
  const current = await store.fingerprint(key);
  const damage = damageOf(current, known);
  if (!damage) return;
  const restore = known.last
    ? `\`tfo state restore ${key}\` puts back the newest backup (${known.last.location}, serial ${known.last.serial ?? '-'})`
    : `no backup exists to restore with \`tfo state restore ${key}\`; if the key's resources are really gone, remove ${path.join(engine.history.dir, key)} to deploy it afresh`;
  throw new TfoError(
    'TFO_ERR_STATE_DAMAGED',
    `the state of ${key} is ${damage}, but the key was deployed before (${known.deployed}): nothing was planned, so nothing is re-created. ` +
      `See \`tfo state history ${key}\`; ${restore}`,
  );
}

async function pushPending(ctx: DeploymentContext, store: BackupStore, known: KnownState, kept: string): Promise<void> {
  const key = ctx.deployment.key;
  const fp = await fingerprintFile(kept);
  const current = await store.fingerprint(key);
  const stop = (what: string): TfoError =>
    new TfoError(
      'TFO_ERR_STATE_UNSAVED',
      `terraform could not save the state of ${key} in an earlier run; the state it kept is at ${kept} and ${what}. ` +
        `Nothing was planned. If it is this key's state, push it with \`${pushCommand(ctx, kept)}\` and remove ${kept}; if it is not, remove ${kept}.`,
    );
  const access = {
    // the key's last known state goes back over a torn one, the torn bytes kept as a backup
    keep: async (kind: BackupKind) => void (await store.backup(key, 'state guard', kind)),
    restore: (b: BackupRecord) => store.restoreBytes(b),
  };
  let why: string | undefined;
  try {
    const push = { file: kept, kept: fp, current, known: known.last, restoreFrom: known.last, init: true };
    why = await pushKept(ctx, access, push, ctx.signal);
  } catch (err) {
    throw stop(`pushing it failed (${(err as Error).message})`);
  }
  if (why) throw stop(`was not pushed: ${why}`);
  ctx.log(`# state guard: pushed the state terraform could not save in an earlier run (${kept})\n`);
}

/**
 * Taps the guard on `init` once every backend setting is given and before terraform init runs
 * (`STAGE.GUARD`): a damaged state stops the deployment before any terraform command. It passes
 * the settings on, or throws.
 */
export function tapStateGuard(engine: Engine, name: string, store: BackupStore): void {
  engine.hooks.init.tapPromise({ name, stage: STAGE.GUARD }, async (settings, ctx) => {
    // reconciling an interrupted run is recovery's work: a damaged state there is what it repairs
    if (ctx.reconciling) return settings;
    await guardState(ctx, store, engine);
    return settings;
  });
}
