import path from 'node:path';
import { EXIT, executeRun, redactInPool, TfoError, type RunResult } from '@tfo/engine';
import type { Command } from 'commander';
import { cancellation, openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { collect, maxWorkersOption } from '../options.js';
import { attachProgress } from '../render/progress.js';
import { makeStyle } from '../render/style.js';
import { renderSummary } from '../render/summary.js';
import { captureShown, shownJson } from '../render/shown.js';
import { writeUnredacted } from '../unredacted.js';

interface RunFlags {
  changedFrom?: string;
  only?: string[];
  maxWorkers?: number;
  failFast?: boolean;
  junit?: string;
  unredacted?: string;
  resume?: string;
  detailedExitcode?: boolean;
}

/** `tfo plan` and `tfo apply`. */
export function registerRunCommands(program: Command, setCode: (code: number) => void): void {
  for (const mode of ['plan', 'apply'] as const) {
    const command = program
      .command(mode)
      .description(
        mode === 'plan'
          ? 'plan every deployment and check it against policy; apply nothing'
          : 'plan, check, back up, apply, verify, and recover what fails',
      )
      .option('--changed-from <ref>', 'only tfvars changed since this git ref')
      .option('--only <glob>', 'only deployments whose tfvars path matches (repeatable)', collect)
      .option('--max-workers <n>', 'deployments at once, 1 to 64 (default min(2 x CPUs, 5))', maxWorkersOption)
      .option('--fail-fast', 'start nothing new after the first failure')
      .option('--junit <file>', 'also write the run as JUnit XML (redacted) to this file (needs the report plugin)')
      .option('--unredacted <file>', 'also write the full, unredacted result JSON to this file (mode 0600)');
    if (mode === 'plan') {
      command.option(
        '--detailed-exitcode',
        'exit 2 when a deployment has changes pending, 0 when none has (as terraform); other codes unchanged',
      );
    }
    if (mode === 'apply') {
      command.option(
        '--resume <run-id>',
        'only reconcile that interrupted run (wait for its terraform, verify, recover, audit, release its locks)',
      );
    }
    command.action(async (flags: RunFlags, cmd: Command) => {
      setCode(await runCommand(mode, flags, cmd.optsWithGlobals<GlobalOptions>()));
    });
  }
}

async function runCommand(mode: 'plan' | 'apply', flags: RunFlags, globals: GlobalOptions): Promise<number> {
  const style = makeStyle(process.stderr);
  const engine = await openEngine(globals, flags.maxWorkers);
  // --junit is written by the report plugin (told through the run); the CLI does not import it
  if (flags.junit && !engine.has('report')) {
    await engine.close();
    throw new TfoError(
      'TFO_ERR_USAGE',
      "--junit needs the report plugin: add report() from '@tfo/plugin-report' to plugins in the config",
    );
  }
  const detach = globals.json ? () => undefined : attachProgress(engine, process.stderr, style);
  const cancel = cancellation((message) => process.stderr.write(`\n${message}\n`));
  const view = captureShown(engine);
  let result: RunResult;
  try {
    result = await executeRun(engine, {
      mode,
      only: flags.only,
      changedFrom: flags.changedFrom,
      failFast: flags.failFast,
      signal: cancel.signal,
      resume: flags.resume,
      junit: flags.junit ? path.resolve(globals.cwd, flags.junit) : undefined,
    });
  } catch (err) {
    // the run stopped before it started any deployment: release what plugins opened, then report
    await engine.close();
    throw err;
  } finally {
    cancel.dispose();
    detach();
    view.dispose();
  }
  let code = flags.detailedExitcode ? detailedExitCode(result) : result.exitCode;
  try {
    // the run's one redacted view, built by the engine: printed as it is, never redacted again
    const shown = view.shown();
    const problems: string[] = [];
    const unredacted = flags.unredacted ? await writeUnredactedFile(result, flags.unredacted, globals, problems) : [];
    if (globals.json) {
      // the same text as result.json beside the run
      process.stdout.write(`${shownJson(shown)}\n`);
    } else {
      process.stderr.write(renderSummary(code === shown.exitCode ? shown : { ...shown, exitCode: code }, style));
      for (const r of shown.reconciled ?? []) {
        const line = `reconciled ${r.runId} ${r.key}: ${r.action}${r.ok ? '' : ' (FAILED)'}: ${r.detail}`;
        process.stderr.write(`${r.ok ? style.dim(line) : style.red(line)}\n`);
      }
      for (const line of unredacted)
        process.stderr.write(`${style.dim(await redactInPool(engine, line, engine.sensitive))}\n`);
    }
    for (const problem of problems) {
      process.stderr.write(`${style.red('error')}: ${await redactInPool(engine, problem, engine.sensitive)}\n`);
    }
    // a file asked for on the command line that could not be written fails the run
    if (problems.length > 0 && code === 0) code = 1;
  } finally {
    await engine.close();
  }
  return code;
}

/** terraform's `plan -detailed-exitcode` code for "succeeded, with changes". */
const CHANGES_PENDING = 2;

/**
 * `tfo plan --detailed-exitcode`: a clean run with changes pending exits 2, as terraform does;
 * failures (1), a policy block (2), bad input (3) and cancellation (130) keep their codes.
 */
export function detailedExitCode(result: Pick<RunResult, 'exitCode' | 'deployments'>): number {
  if (result.exitCode !== EXIT.OK) return result.exitCode;
  return result.deployments.some((d) => d.status === 'planned') ? CHANGES_PENDING : EXIT.OK;
}

/** --unredacted: the full result, for its owner only; returns the line to show, or adds a problem. */
async function writeUnredactedFile(
  result: RunResult,
  name: string,
  globals: GlobalOptions,
  problems: string[],
): Promise<string[]> {
  const file = path.resolve(globals.cwd, name);
  try {
    await writeUnredacted(file, result);
    return [`unredacted result: ${file}`];
  } catch (err) {
    problems.push(`--unredacted ${file} could not be written: ${(err as Error).message}`);
    return [];
  }
}
