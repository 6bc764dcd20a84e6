import { newRunId, redactText, TfoError, type Engine, type StateStore } from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';

function storeOf(engine: Engine): StateStore {
  const store = engine.stateStore;
  if (!store) throw new TfoError('TFO_ERR_USAGE', 'no configured plugin provides a state store');
  return store;
}

function print(globals: GlobalOptions, json: unknown, text: string): void {
  process.stdout.write(redactText(globals.json ? `${JSON.stringify(json, null, 2)}\n` : text));
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

  state
    .command('list')
    .description('state keys with serial, last modified and last backup')
    .action((_flags: unknown, cmd: Command) =>
      withStore(cmd, async (store, globals) => {
        const rows = await store.list();
        const lines = rows.map(
          (r) =>
            `${r.key}  serial ${r.serial ?? '?'}  modified ${r.lastModified ?? '-'}  backup ${r.lastBackup ?? 'none'}`,
        );
        print(globals, rows, `${lines.join('\n')}\n${rows.length} key(s)\n`);
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
          ...backups.map((b) => `  ${b.createdAt}  serial ${b.serial ?? '-'}  ${b.location ?? '(first deployment)'}`),
          'runs:',
          ...runs.map((r) => `  ${r.at}  ${r.status.padEnd(10)} ${r.durationMs}ms  run ${r.runId}  ${r.file}`),
          `last good inputs: ${lastGood ? `${lastGood.sha256.slice(0, 12)} from run ${lastGood.runId}` : 'none'}`,
          '',
        ].join('\n');
        print(globals, { key: k, backups, runs, lastGood: lastGood && { ...lastGood, tfvars: undefined } }, text);
        setCode(0);
      }),
    );

  state
    .command('restore <key>')
    .description('restore a backup over the current state (refuses another lineage unless --force)')
    .option('--to <backup>', 'backup file name or timestamp (default: the newest)')
    .option('--force', 'restore even when the lineage differs')
    .action((key: string, flags: { to?: string; force?: boolean }, cmd: Command) =>
      withStore(cmd, async (store, globals) => {
        const out = await store.restore(normaliseKey(key), { to: flags.to, force: flags.force, runId: newRunId() });
        const text = [
          `restored ${out.backup.location} (serial ${out.backup.serial ?? '-'}) as ${out.backup.key}`,
          out.orphaned.length
            ? `${out.orphaned.length} resource(s) exist but are no longer in state (orphaned):\n${out.orphaned.map((a) => `  ${a}`).join('\n')}`
            : 'no resources orphaned',
          '',
        ].join('\n');
        print(globals, out, text);
        setCode(0);
      }),
    );

  state
    .command('unlock <key>')
    .description("remove a key's tfo lock left by a run that is gone")
    .action((key: string, _flags: unknown, cmd: Command) =>
      withStore(cmd, async (store, globals) => {
        const out = await store.unlock(normaliseKey(key));
        print(
          globals,
          out,
          out.removed ? `unlocked ${normaliseKey(key)} (was ${JSON.stringify(out.holder)})\n` : 'no lock held\n',
        );
        setCode(0);
      }),
    );
}
