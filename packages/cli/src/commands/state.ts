import {
  findDeployment,
  newRunId,
  redactText,
  stateActionRecord,
  type DeploymentStatus,
  type Engine,
  type RestoreResult,
  type StateStore,
} from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import { printRedacted } from '../render/print.js';
import type { GlobalOptions } from '../main.js';

function storeOf(engine: Engine): StateStore {
  // the embedded local backend provides it unless a configured plugin (s3-backup) does
  return engine.require('state', 'configure a state plugin such as s3Backup(...), or none for local state');
}

/** What a restore orphans, for the audit record: the addresses, none, or unknown with why. */
function orphansText(o: RestoreResult): string {
  if (o.orphaned === undefined) return `unknown (${o.orphansUnknown ?? 'no state to compare with'})`;
  return o.orphaned.join(', ') || 'none';
}

/** Keys may be given with or without the trailing `/terraform.tfstate`. */
function normaliseKey(key: string): string {
  return key.endsWith('.tfstate') ? key : `${key.replace(/\/$/, '')}/terraform.tfstate`;
}

/**
 * Runs a state repair and records it in the audit trail, whether it worked or not. Resolves with
 * the exit code: 0, or 1 when a sink failed to store the record (the repair itself stands).
 */
async function audited<T>(
  engine: Engine,
  key: string,
  action: 'restore' | 'unlock',
  fn: (runId: string) => Promise<T>,
  outcomeOf: (out: T) => { outcome: DeploymentStatus; output: string },
): Promise<{ out: T; code: number }> {
  const runId = newRunId();
  const startedAt = Date.now();
  // a tfvars file elsewhere that does not parse must not stop a repair: the key still names the deployment
  const deployment = await findDeployment(engine, key).catch(() => undefined);
  const record = async (outcome: DeploymentStatus, output: string): Promise<number> => {
    // through every sink of the plugin that provides the audit trail; without one, nothing to record to
    const written = (await engine
      .capability('audit')
      ?.record(stateActionRecord({ key, deployment, action, outcome, runId, startedAt, output }))) ?? {
      recorded: false,
      problems: [],
      warnings: [],
    };
    for (const w of written.warnings) process.stderr.write(`warning: ${redactText(w)}\n`);
    for (const p of written.problems) process.stderr.write(`error TFO_ERR_AUDIT: ${redactText(p)}\n`);
    return written.problems.length > 0 ? 1 : 0;
  };
  let out: T;
  try {
    out = await fn(runId);
  } catch (err) {
    await record('failed', `${action} ${key} failed: ${(err as Error).message}`);
    throw err;
  }
  const { outcome, output } = outcomeOf(out);
  return { out, code: await record(outcome, output) };
}

async function withStore(
  cmd: Command,
  fn: (store: StateStore, globals: GlobalOptions, engine: Engine) => Promise<void>,
): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const engine = await openEngine(globals);
  try {
    await fn(storeOf(engine), globals, engine);
  } finally {
    await engine.close();
  }
}

/** `tfo state list | history <key> | restore <key> | unlock <key>`. */
export function registerStateCommands(program: Command, setCode: (code: number) => void): void {
  const state = program.command('state').description('inspect and repair state');

  state
    .command('list')
    .description('state keys with serial, last modified and last backup')
    .action((_flags: unknown, cmd: Command) =>
      withStore(cmd, async (store, globals, engine) => {
        const rows = await store.list();
        const lines = rows.map(
          (r) =>
            `${r.key}  serial ${r.serial ?? '?'}  modified ${r.lastModified ?? '-'}  backup ${r.lastBackup ?? 'none'}`,
        );
        await printRedacted(engine, globals, rows, `${lines.join('\n')}\n${rows.length} key(s)\n`);
        setCode(0);
      }),
    );

  state
    .command('history <key>')
    .description('backups and past runs of one state key, newest first')
    .action((key: string, _flags: unknown, cmd: Command) =>
      withStore(cmd, async (store, globals, engine) => {
        const k = normaliseKey(key);
        const backups = await store.backups(k);
        const runs = (await engine.history.entries(k)).reverse();
        const lastGood = await engine.history.lastGood(k);
        const text = [
          `backups of ${k}:`,
          ...backups.map(
            (b) =>
              `  ${b.createdAt}  ${(b.kind ?? 'pre-apply').padEnd(11)} serial ${b.serial ?? '-'}  ${b.location ?? '(first deployment)'}`,
          ),
          'runs:',
          ...runs.map((r) => `  ${r.at}  ${r.status.padEnd(10)} ${r.durationMs}ms  run ${r.runId}  ${r.file}`),
          `last good inputs: ${lastGood ? `${lastGood.sha256.slice(0, 12)} from run ${lastGood.runId}` : 'none'}`,
          '',
        ].join('\n');
        await printRedacted(
          engine,
          globals,
          { key: k, backups, runs, lastGood: lastGood && { ...lastGood, tfvars: undefined } },
          text,
        );
        setCode(0);
      }),
    );

  state
    .command('restore <key>')
    .description('restore a backup over the current state (refuses another lineage unless --force)')
    .option('--to <backup>', 'backup file name or timestamp (default: the newest)')
    .option('--force', 'restore even when the lineage differs')
    .action((key: string, flags: { to?: string; force?: boolean }, cmd: Command) =>
      withStore(cmd, async (store, globals, engine) => {
        const k = normaliseKey(key);
        const { out, code } = await audited(
          engine,
          k,
          'restore',
          (runId) => store.restore(k, { to: flags.to, force: flags.force, runId }),
          (o) => ({
            outcome: 'applied',
            output:
              `restored ${o.backup.location} (serial ${o.backup.serial ?? '-'}, lineage ${o.backup.lineage ?? '-'}, sha256 ${o.backup.sha256 ?? '-'}) as ${o.backup.key}` +
              `${flags.force ? ' with --force' : ''}; orphaned: ${orphansText(o)}\n`,
          }),
        );
        const text = [
          `restored ${out.backup.location} (serial ${out.backup.serial ?? '-'}) as ${out.backup.key}`,
          out.orphaned === undefined
            ? `orphaned resources: unknown (${out.orphansUnknown ?? 'no state to compare with'})`
            : out.orphaned.length
              ? `${out.orphaned.length} resource(s) exist but are no longer in state (orphaned), compared with ${out.orphansAgainst}:\n${out.orphaned.map((a) => `  ${a}`).join('\n')}`
              : `no resources orphaned (compared with ${out.orphansAgainst})`,
          '',
        ].join('\n');
        await printRedacted(engine, globals, { ...out, orphaned: out.orphaned ?? null }, text);
        setCode(code);
      }),
    );

  state
    .command('unlock <key>')
    .description("remove a key's tfo lock left by a run that is gone (refuses a live holder unless --force)")
    .option('--force', 'remove the lock even when its holder is live')
    .action((key: string, flags: { force?: boolean }, cmd: Command) =>
      withStore(cmd, async (store, globals, engine) => {
        const k = normaliseKey(key);
        const { out, code } = await audited(
          engine,
          k,
          'unlock',
          () => store.unlock(k, { force: flags.force }),
          (o) => ({
            outcome: o.removed ? 'applied' : 'no-changes',
            output: o.removed
              ? `removed the lock of ${k} held by ${o.holderText ?? JSON.stringify(o.holder)} (${o.reason ?? 'stale'})\n`
              : `no lock held on ${k}${o.holder ? ' (it changed while unlocking)' : ''}\n`,
          }),
        );
        const text = out.removed
          ? `unlocked ${k}: it was held by ${out.holderText ?? JSON.stringify(out.holder)}\n  ${out.reason ?? 'stale'}\n`
          : out.holder
            ? `the lock of ${k} changed while unlocking (released or taken afresh): run the command again\n`
            : 'no lock held\n';
        await printRedacted(engine, globals, out, text);
        setCode(out.removed || !out.holder ? code : 1);
      }),
    );
}
