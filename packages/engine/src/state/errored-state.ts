import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BackupKind, BackupRecord, DeploymentContext, StateFingerprint } from '../model.js';
import { fingerprintFile } from './state-file.js';
import { initArgs } from '../terraform/terraform-args.js';

/**
 * When the backend refuses terraform's final state write (a full disk, a refused PUT), terraform
 * keeps the state in `errored.tfstate` in its working directory: what the apply created is then
 * in no state. tfo keeps it at `<stateDir>/errored/<key>` until it is pushed, by the recovery of
 * the same run or, once the backend takes writes again, before the next run of the key plans.
 */
export function keptStatePath(stateDir: string, key: string): string {
  return path.join(stateDir, 'errored', key);
}

const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The exact command that pushes a kept state over the key's state, as tfo would. */
export function pushCommand(ctx: Pick<DeploymentContext, 'dataDir' | 'deployment'>, file: string): string {
  return `TF_DATA_DIR=${quote(ctx.dataDir)} terraform -chdir=${quote(ctx.deployment.rootModule)} state push -force ${quote(file)}`;
}

/**
 * Why a kept state must not be pushed over the key's state, or `undefined` when it is safe: it
 * must be readable, of the key's lineage (the current state's, else the one last known), and
 * not older than the current state nor the last known serial. `state push -force` is only
 * ever used after this check: without -force terraform refuses a state of the same serial,
 * which is exactly what a refused final write leaves.
 */
export function unsafeToPush(
  kept: StateFingerprint,
  current: StateFingerprint,
  known: { lineage?: string | undefined; serial?: number | undefined },
): string | undefined {
  if (!kept.readable) return 'it is not a readable terraform state';
  const lineage = current.readable ? current.lineage : known.lineage;
  if (lineage && kept.lineage !== lineage) return `its lineage ${kept.lineage} is not the key's (${lineage})`;
  const serial = Math.max(current.readable ? (current.serial ?? 0) : 0, known.serial ?? 0);
  if ((kept.serial ?? 0) < serial) return `its serial ${kept.serial} is older than the key's (${serial})`;
  return undefined;
}

/** How a kept state's push puts a backup back over a current state it cannot read. */
export interface StateRestore {
  /** Puts the backup's bytes back as the current state. */
  restore(backup: BackupRecord): Promise<void>;
  /** Keeps the current state's bytes as a backup of the kind given (before they are overwritten). */
  keep?(kind: BackupKind): Promise<void>;
}

/** A kept state to push over the key's current state. */
export interface KeptPush {
  file: string;
  kept: StateFingerprint;
  current: StateFingerprint;
  /** The key's last known lineage and serial (see `unsafeToPush`). */
  known: { lineage?: string | undefined; serial?: number | undefined } | undefined;
  /** The backup put back first when the current state exists but is unreadable. */
  restoreFrom: BackupRecord | undefined;
  /** Runs `terraform init` before the push (the working directory may not be initialised yet). */
  init?: boolean;
}

/**
 * Pushes a kept state over the key's state when `unsafeToPush` clears it, then forgets it.
 * Returns why it must not be pushed (nothing done), or `undefined` once it is pushed. terraform
 * pushes over no state it cannot read (a final write torn by a full disk): `restoreFrom` goes
 * back first, the torn bytes kept as a `pre-restore` backup. Throws when that or the push fails.
 */
export async function pushKept(
  ctx: DeploymentContext,
  access: StateRestore,
  push: KeptPush,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { current, known, restoreFrom } = push;
  const why = unsafeToPush(push.kept, current, { lineage: known?.lineage, serial: known?.serial });
  if (why) return why;
  if (current.exists && !current.readable) {
    if (!restoreFrom?.location) throw new Error('the state is unreadable and no backup exists to put back first');
    await access.keep?.('pre-restore');
    await access.restore(restoreFrom);
  }
  if (push.init) await ctx.terraform(initArgs(ctx.backend));
  await ctx.terraform(['state', 'push', '-force', '-lock-timeout=120s', push.file], { signal });
  await rm(push.file, { force: true });
  return undefined;
}

/**
 * Moves terraform's `errored.tfstate` of a failed apply out of the (shared) root module: a copy
 * beside the deployment's log, and the kept copy that waits to be pushed. Returns the kept
 * path and its identity, or why it was left alone (a state of another lineage than this key's
 * belongs to another deployment of the same root module).
 */
export async function takeErroredState(
  ctx: DeploymentContext,
  stateDir: string,
): Promise<{ file: string; fp: StateFingerprint } | { skipped: string } | undefined> {
  const errored = path.join(ctx.deployment.rootModule, 'errored.tfstate');
  if (!existsSync(errored)) return undefined;
  const copy = path.join(ctx.dir, 'errored.tfstate');
  await copyFile(errored, copy);
  const fp = await fingerprintFile(copy);
  if (ctx.before?.lineage && fp.lineage !== ctx.before.lineage) {
    return {
      skipped: `an errored.tfstate of another state (lineage ${fp.lineage}) is in the root module; copied to ${copy}, not pushed`,
    };
  }
  const kept = keptStatePath(stateDir, ctx.deployment.key);
  await mkdir(path.dirname(kept), { recursive: true });
  await copyFile(copy, kept);
  await rm(errored, { force: true });
  return { file: kept, fp };
}
