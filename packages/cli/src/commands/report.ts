import path from 'node:path';
import { redactInPool, TfoError } from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { loadRun, recollectSensitive } from '../report/run-files.js';
import { writeReports } from '../report/write.js';

interface ReportFlags {
  html?: string;
  junit?: string;
  run?: string;
}

/** `tfo report`: the HTML report and/or JUnit XML of a past run, from what its run folder kept. */
export function registerReportCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('report')
    .description('write the HTML report (and JUnit XML) of a past run; every run also writes its own report.html')
    .option('--html <file>', 'write the HTML report here (default: report.html in the run folder)')
    .option('--junit <file>', 'write the run as JUnit XML here')
    .option('--run <id>', 'the run to report (default: the latest under <stateDir>/runs/)')
    .action(async (flags: ReportFlags, cmd: Command) => {
      setCode(await reportCommand(flags, cmd.optsWithGlobals<GlobalOptions>()));
    });
}

async function reportCommand(flags: ReportFlags, globals: GlobalOptions): Promise<number> {
  const engine = await openEngine(globals);
  try {
    const { dir, result } = await loadRun(engine.settings.stateDir, flags.run);
    // the run folder may have moved since: its logs are found beside its result
    for (const d of result.deployments) {
      const rel = path.relative(result.run.dir, d.logFile);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) d.logFile = path.join(dir, rel);
    }
    // terraform's sensitive values are not kept as such: collected again from the saved plans
    const sensitive = await recollectSensitive(result);
    const html =
      flags.html || !flags.junit ? path.resolve(globals.cwd, flags.html ?? path.join(dir, 'report.html')) : undefined;
    const junit = flags.junit ? path.resolve(globals.cwd, flags.junit) : undefined;
    // result.json is the run's redacted view as the engine wrote it: only the logs are redacted here
    const outcome = await writeReports(
      result,
      (text) => redactInPool(engine, text, sensitive),
      { html, junit },
      { shown: result },
    );
    if (outcome.failed.length > 0) {
      const { file, error } = outcome.failed[0]!;
      throw new TfoError('TFO_ERR_USAGE', `${file} could not be written: ${error.message}`, { cause: error });
    }
    if (globals.json) {
      process.stdout.write(`${JSON.stringify({ run: result.run.id, dir, html, junit }, null, 2)}\n`);
    } else {
      for (const file of outcome.written) process.stdout.write(`${file === html ? 'report' : 'junit'}: ${file}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}
