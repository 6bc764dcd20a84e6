import { executeRun, redactInPool, type RunResult } from '@tfo/engine';
import type { Command } from 'commander';
import { cancellation, openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { collect, positiveInt } from '../options.js';
import { attachProgress } from '../render/progress.js';
import { makeStyle } from '../render/style.js';
import { renderSummary } from '../render/summary.js';

interface RunFlags {
  changedFrom?: string;
  only?: string[];
  maxWorkers?: number;
  failFast?: boolean;
}

/** `tfo plan` and `tfo apply`. */
export function registerRunCommands(program: Command, setCode: (code: number) => void): void {
  for (const mode of ['plan', 'apply'] as const) {
    program
      .command(mode)
      .description(
        mode === 'plan'
          ? 'plan every deployment and check it against policy; apply nothing'
          : 'plan, check, back up, apply, verify, and recover what fails',
      )
      .option('--changed-from <ref>', 'only tfvars changed since this git ref')
      .option('--only <glob>', 'only deployments whose tfvars path matches (repeatable)', collect)
      .option('--max-workers <n>', 'deployments at once (default min(2 x CPUs, 5))', positiveInt)
      .option('--fail-fast', 'start nothing new after the first failure')
      .action(async (flags: RunFlags, cmd: Command) => {
        setCode(await runCommand(mode, flags, cmd.optsWithGlobals<GlobalOptions>()));
      });
  }
}

async function runCommand(mode: 'plan' | 'apply', flags: RunFlags, globals: GlobalOptions): Promise<number> {
  const style = makeStyle(process.stderr);
  const engine = await openEngine(globals, flags.maxWorkers);
  const detach = globals.json ? () => undefined : attachProgress(engine, process.stderr, style);
  const cancel = cancellation((sig) =>
    process.stderr.write(`\n${sig}: no new deployments start; waiting for running terraform to stop…\n`),
  );
  let result: RunResult;
  try {
    result = await executeRun(engine, {
      mode,
      only: flags.only,
      changedFrom: flags.changedFrom,
      failFast: flags.failFast,
      signal: cancel.signal,
    });
  } finally {
    cancel.dispose();
    detach();
  }
  try {
    const sensitive = engine.sensitive;
    if (globals.json) {
      process.stdout.write(`${await redactInPool(engine, JSON.stringify(result, null, 2), sensitive)}\n`);
    } else {
      process.stderr.write(await redactInPool(engine, renderSummary(result, style), sensitive));
    }
  } finally {
    await engine.close();
  }
  return result.exitCode;
}
