import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, ioErrorOf, redactText, TfoError, type Engine } from '@tfo/engine';
import { registerInitCommand } from './commands/init.js';
import { registerListCommand } from './commands/list.js';
import { registerRedactCommand } from './commands/redact.js';
import { registerRunCommands } from './commands/run.js';
import { registerStateCommands } from './commands/state.js';
import { contributingEngine, registerContributed } from './contributed.js';
import { knownSensitive } from './engine-context.js';
import { makeStyle } from './render/style.js';
import { cliVersion } from './version.js';

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  cwd: string;
  json?: boolean;
}

/** Parses the command line, runs the command, and maps errors to exit codes. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = new Command('tfo')
    .description('Plan, check, apply and recover Terraform deployments across many AWS accounts.')
    .addOption(new Option('-c, --config <file>', 'config file (default: orchestrator.config.* in --cwd)'))
    .addOption(new Option('-C, --cwd <dir>', 'folder to run in').default(process.cwd()))
    .option('--json', 'print machine-readable JSON instead of text')
    .version(cliVersion(), '-v, --version', 'print the version of tfo (@tfo/cli)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .exitOverride();
  const setCode = (c: number): void => {
    code = c;
  };
  registerInitCommand(program, setCode);
  registerRunCommands(program, setCode);
  registerListCommand(program, setCode);
  registerStateCommands(program, setCode);
  registerRedactCommand(program, setCode);

  // the commands the configured plugins contribute (`tfo audit`, `tfo policy`), when one is asked for
  let engine: Engine | undefined;
  try {
    engine = await contributingEngine(program, argv);
    if (engine) registerContributed(program, engine, setCode);
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 3;
    }
    return reportError(err);
  } finally {
    await engine?.close();
  }
  return code;
}

const EXIT_CODES_HELP = `
Exit codes:
  0    done: everything applied, unchanged or planned (tfo plan --detailed-exitcode: no changes)
  1    a deployment, its state, a lock, a plugin or an audit sink failed
  2    blocked by policy; tfo plan --detailed-exitcode: changes pending
  3    bad input (config, tfvars, command line) or terraform missing
  130  cancelled (Ctrl-C or SIGTERM)`;

/** Prints an error the way a user can act on it: code, location, message, hint. */
export function reportError(thrown: unknown): number {
  const style = makeStyle(process.stderr);
  // an unwritable .tfo (or a full disk) is named with its path and fix, not a stack trace
  const err = ioErrorOf(thrown) ?? thrown;
  // messages may carry terraform's stderr: redacted (with what this process's runs marked
  // sensitive) before they are styled
  const redact = (text: string): string => redactText(text, { sensitive: knownSensitive() });
  if (err instanceof TfoError) {
    const where = err.location && !err.message.includes(err.location) ? `${err.location}: ` : '';
    process.stderr.write(
      `${style.red(`error ${err.code}`)}: ${redact(where + err.message)}\n${style.dim(`  ${redact(err.hint)}`)}\n`,
    );
  } else {
    process.stderr.write(
      `${style.red('error')}: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`,
    );
  }
  return exitCodeFor(err);
}
