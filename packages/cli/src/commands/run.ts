import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, executeRun, redactInPool, shownRun, type Engine, type RunResult } from '@tfo/engine';
import type { Command } from 'commander';
import { cancellation, openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { collect, maxWorkersOption } from '../options.js';
import { attachProgress } from '../render/progress.js';
import { makeStyle } from '../render/style.js';
import { renderSummary } from '../render/summary.js';
import { writeReports, writeUnredacted } from '../report/write.js';

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
      .option('--junit <file>', 'also write the run as JUnit XML (redacted) to this file')
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
  const detach = globals.json ? () => undefined : attachProgress(engine, process.stderr, style);
  const cancel = cancellation((message) => process.stderr.write(`\n${message}\n`));
  let result: RunResult;
  try {
    result = await executeRun(engine, {
      mode,
      only: flags.only,
      changedFrom: flags.changedFrom,
      failFast: flags.failFast,
      signal: cancel.signal,
      resume: flags.resume,
    });
  } catch (err) {
    // the run stopped before it started any deployment: release what plugins opened, then report
    await engine.close();
    throw err;
  } finally {
    cancel.dispose();
    detach();
  }
  let code = flags.detailedExitcode ? detailedExitCode(result) : result.exitCode;
  try {
    const sensitive = engine.sensitive;
    // the run's one redacted view (built when the engine wrote result.json): rendered, not redacted again
    const shown = await shownRun(engine, result);
    const outputs = await writeOutputs(engine, result, shown, flags, globals);
    if (globals.json) {
      // the engine wrote the result redacted beside the run: the same text, not redacted again
      process.stdout.write(`${await readFile(path.join(result.run.dir, 'result.json'), 'utf8')}\n`);
    } else {
      process.stderr.write(renderSummary(code === shown.exitCode ? shown : { ...shown, exitCode: code }, style));
      for (const r of shown.reconciled ?? []) {
        const line = `reconciled ${r.runId} ${r.key}: ${r.action}${r.ok ? '' : ' (FAILED)'}: ${r.detail}`;
        process.stderr.write(`${r.ok ? style.dim(line) : style.red(line)}\n`);
      }
      for (const line of outputs.lines)
        process.stderr.write(`${style.dim(await redactInPool(engine, line, sensitive))}\n`);
    }
    for (const problem of outputs.problems) {
      process.stderr.write(`${style.red('error')}: ${await redactInPool(engine, problem, sensitive)}\n`);
    }
    // a file asked for on the command line that could not be written fails the run
    if (outputs.problems.length > 0 && code === 0) code = 1;
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

/**
 * What a run leaves beside its result: the HTML report in the run folder (always; a failure to
 * write it is a warning), and the files asked for with --junit and --unredacted.
 */
async function writeOutputs(
  engine: Engine,
  result: RunResult,
  shown: RunResult,
  flags: RunFlags,
  globals: GlobalOptions,
): Promise<{ lines: string[]; problems: string[] }> {
  const lines: string[] = [];
  const problems: string[] = [];
  const html = path.join(result.run.dir, 'report.html');
  const junit = flags.junit ? path.resolve(globals.cwd, flags.junit) : undefined;
  if (flags.unredacted) {
    const file = path.resolve(globals.cwd, flags.unredacted);
    try {
      await writeUnredacted(file, result);
      lines.push(`unredacted result: ${file}`);
    } catch (err) {
      problems.push(`--unredacted ${file} could not be written: ${(err as Error).message}`);
    }
  }
  try {
    const outcome = await writeReports(
      result,
      (text) => redactInPool(engine, text, engine.sensitive),
      { html, junit },
      { shown },
    );
    for (const file of outcome.written) lines.push(`${file === html ? 'report' : 'junit'}: ${file}`);
    for (const { file, error } of outcome.failed) {
      if (file === html) lines.push(`warning: the HTML report could not be written to ${file}: ${error.message}`);
      else problems.push(`--junit ${file} could not be written: ${error.message}`);
    }
  } catch (err) {
    lines.push(`warning: the HTML report could not be made: ${(err as Error).message}`);
    if (junit) problems.push(`--junit ${junit} could not be written: ${(err as Error).message}`);
  }
  return { lines, problems };
}
