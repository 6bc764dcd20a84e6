import path from 'node:path';
import {
  parsePluginOptions,
  redactInPool,
  STAGE,
  TfoError,
  type Engine,
  type Plugin,
  type RunResult,
} from '@tfo/engine';
import { z } from 'zod';
import { reportCommand } from './command.js';
import { writeReports } from './write.js';

export const REPORT_PLUGIN_NAME = 'report';

/**
 * After the other report taps (audit, opa, github): the problems they add are in the run's view
 * by then, so the report shows them.
 */
const REPORT_STAGE = STAGE.NORMAL + 500;

export const reportOptionsSchema = z
  .object({
    /**
     * Also write every run as JUnit XML to this file (relative to the config's folder).
     * `tfo plan|apply --junit <file>` overrides it for one run.
     */
    junit: z.string().min(1).optional(),
  })
  .strict();

export type ReportOptions = z.input<typeof reportOptionsSchema>;

/**
 * The run's HTML report (always `report.html` in the run folder) and, when asked, its JUnit XML,
 * both rendered from the run's redacted view; contributes `tfo report` for a past run.
 */
export function report(options: ReportOptions = {}): Plugin {
  const opts = parsePluginOptions('report', reportOptionsSchema, options);
  return {
    name: REPORT_PLUGIN_NAME,
    apply(engine: Engine) {
      engine.hooks.report.tapPromise({ name: REPORT_PLUGIN_NAME, stage: REPORT_STAGE }, (result, shown) =>
        writeRunReports(engine, result, shown, opts.junit),
      );
      engine.contribute(reportCommand);
    },
  };
}

/**
 * Writes the run's files. An HTML report that cannot be written is a warning (the run's result
 * stands); a JUnit file asked for that cannot be written fails the run (CI reads it).
 */
async function writeRunReports(
  engine: Engine,
  result: RunResult,
  shown: RunResult,
  junitOption: string | undefined,
): Promise<void> {
  const html = path.join(result.run.dir, 'report.html');
  const junit = result.run.junit ?? (junitOption ? path.resolve(engine.settings.cwd, junitOption) : undefined);
  const notice = (level: 'info' | 'warn', message: string): void => engine.events.emit('notice', { level, message });
  let outcome;
  try {
    // logs are read from disk here, so they are redacted as they are read; the rest is the view
    outcome = await writeReports({ result, shown }, (text) => redactInPool(engine, text, engine.sensitive), {
      html,
      junit,
    });
  } catch (err) {
    notice('warn', `the HTML report could not be made: ${(err as Error).message}`);
    if (junit) throw new TfoError('TFO_ERR_IO', `--junit ${junit} could not be written: ${(err as Error).message}`);
    return;
  }
  for (const file of outcome.written) notice('info', `${file === html ? 'report' : 'junit'}: ${file}`);
  for (const { file, error } of outcome.failed) {
    if (file === html) notice('warn', `the HTML report could not be written to ${file}: ${error.message}`);
    else throw new TfoError('TFO_ERR_IO', `--junit ${file} could not be written: ${error.message}`, { cause: error });
  }
}
