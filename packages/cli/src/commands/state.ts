import type { Engine, StateStore } from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import { printRedacted } from '../render/print.js';
import { audited, orphansText } from './state-audited.js';
import type { GlobalOptions } from '../main.js';

function storeOf(engine: Engine): StateStore {
  // the embedded local backend provides it unless a configured plugin (s3-backup) does
  return engine.require('state', 'configure a state plugin such as s3Backup(...), or none for local state');
}

/** Keys may be given with or without the trailing `/terraform.tfstate`. */
function normaliseKey(key: string): string {
  return key.endsWith('.tfstate') ? key : `${key.replace(/\/$/, '')}/terraform.tfstate`;
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
  registerList(state, setCode);
  registerHistory(state, setCode);
  registerRestore(state, setCode);
  registerUnlock(state, setCode);
}

/** `tfo state list`: every key with serial, last modified and last backup. */
function registerList(state: Command, setCode: (code: number) => void): void {
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
}

/** `tfo state history <key>`: backups and past runs of one key, newest first. */
function registerHistory(state: Command, setCode: (code: number) => void): void {
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
}

/** `tfo state restore <key>`: a backup over the current state, recorded in the audit trail. */
function registerRestore(state: Command, setCode: (code: number) => void): void {
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
}

/** `tfo state unlock <key>`: remove a stale tfo lock, recorded in the audit trail. */
function registerUnlock(state: Command, setCode: (code: number) => void): void {
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
