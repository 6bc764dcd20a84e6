import path from 'node:path';
import { redactInPool, TfoError, type CommandIO, type CommandSpec } from '@tfo/engine';
import { loadRun, recollectSensitive } from './run-files.js';
import { writeReports } from './write.js';

/** `tfo report`: the HTML report and/or JUnit XML of a past run, from what its run folder kept. */
export const reportCommand: CommandSpec = {
  name: 'report',
  description: 'write the HTML report (and JUnit XML) of a past run; every run also writes its own report.html',
  options: [
    { flags: '--html <file>', description: 'write the HTML report here (default: report.html in the run folder)' },
    { flags: '--junit <file>', description: 'write the run as JUnit XML here' },
    { flags: '--run <id>', description: 'the run to report (default: the latest under <stateDir>/runs/)' },
  ],
  run: ({ options }, io) => reportPastRun(options, io),
};

const optionText = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

async function reportPastRun(options: Record<string, unknown>, io: CommandIO): Promise<number> {
  const { engine, cwd } = io;
  const flags = { html: optionText(options.html), junit: optionText(options.junit), run: optionText(options.run) };
  // result.json is the run's redacted view as the engine wrote it: the run as reported here
  const { dir, result: shown } = await loadRun(engine.settings.stateDir, flags.run);
  // the run folder may have moved since: its logs are found beside its result
  for (const d of shown.deployments) {
    const rel = path.relative(shown.run.dir, d.logFile);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) d.logFile = path.join(dir, rel);
  }
  // terraform's sensitive values are not kept as such: collected again from the saved plans
  const sensitive = await recollectSensitive(shown);
  const html = flags.html || !flags.junit ? path.resolve(cwd, flags.html ?? path.join(dir, 'report.html')) : undefined;
  const junit = flags.junit ? path.resolve(cwd, flags.junit) : undefined;
  // only the logs, read here, are redacted
  const outcome = await writeReports({ result: shown, shown }, (text) => redactInPool(engine, text, sensitive), {
    html,
    junit,
  });
  if (outcome.failed.length > 0) {
    const { file, error } = outcome.failed[0]!;
    throw new TfoError('TFO_ERR_USAGE', `${file} could not be written: ${error.message}`, { cause: error });
  }
  if (io.json) {
    io.out(`${JSON.stringify({ run: shown.run.id, dir, html, junit }, null, 2)}\n`);
  } else {
    for (const file of outcome.written) io.out(`${file === html ? 'report' : 'junit'}: ${file}\n`);
  }
  return 0;
}
