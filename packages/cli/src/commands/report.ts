import { redactText, TfoError, type CommandIO } from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';

/**
 * `tfo report` runs the command the report plugin contributes (`@tfo/plugin-report`), until the
 * CLI runs every contributed command itself (packages/cli/src/contributed.ts): then this file
 * and its registration in main.ts go. The options mirror the plugin's spec.
 */
export function registerReportCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('report')
    .description('write the HTML report (and JUnit XML) of a past run; every run also writes its own report.html')
    .option('--html <file>', 'write the HTML report here (default: report.html in the run folder)')
    .option('--junit <file>', 'write the run as JUnit XML here')
    .option('--run <id>', 'the run to report (default: the latest under <stateDir>/runs/)')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      setCode(await reportCommand(flags, cmd.optsWithGlobals<GlobalOptions>()));
    });
}

async function reportCommand(flags: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const engine = await openEngine(globals);
  try {
    const spec = engine.commands.find((c) => c.spec.name === 'report')?.spec;
    if (!spec?.run) {
      throw new TfoError(
        'TFO_ERR_USAGE',
        "tfo report comes from the report plugin: add report() from '@tfo/plugin-report' to plugins in the config",
      );
    }
    const redact = (text: string): string => redactText(text, { sensitive: engine.sensitive });
    const io: CommandIO = {
      engine,
      cwd: globals.cwd,
      json: globals.json === true,
      out: (text) => process.stdout.write(redact(text)),
      err: (text) => process.stderr.write(redact(text)),
    };
    return await spec.run({ args: [], options: flags }, io);
  } finally {
    await engine.close();
  }
}
