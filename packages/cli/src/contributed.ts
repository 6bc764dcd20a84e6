import { Argument, Command, Option } from 'commander';
import { redactText, TfoError, type CommandIO, type CommandSpec, type Engine } from '@tfo/engine';
import { openEngine } from './engine-context.js';
import type { GlobalOptions } from './main.js';
import { redactedOutput } from './render/print.js';

/**
 * Commands the first-party plugins contribute, by the package and factory that bring them: only
 * to say what to configure when one is asked for and not there (the CLI imports no plugin).
 */
const FIRST_PARTY_COMMANDS: Readonly<Record<string, { pkg: string; factory: string }>> = Object.freeze({
  audit: { pkg: '@tfo/plugin-audit', factory: 'audit()' },
  policy: { pkg: '@tfo/plugin-opa', factory: 'opa()' },
  report: { pkg: '@tfo/plugin-report', factory: 'report()' },
});

/** Where a contributed command writes (the process's stdout and stderr; a test's buffers). */
export interface CommandStreams {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const STDIO: CommandStreams = { out: process.stdout, err: process.stderr };

/** The command word of a command line and the global options before it, read as commander reads them. */
function commandLine(argv: readonly string[]): {
  word?: string;
  /** `tfo help <topic>`: the command help is asked for. */
  topic?: string;
  globals: GlobalOptions;
  help: boolean;
} {
  const probe = new Command()
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .addOption(new Option('-c, --config <file>'))
    .addOption(new Option('-C, --cwd <dir>').default(process.cwd()))
    .option('--json');
  const { operands, unknown } = probe.parseOptions(argv.slice(2));
  const help = unknown.some((a) => a === '-h' || a === '--help');
  return { word: operands[0], topic: operands[1], globals: probe.opts<GlobalOptions>(), help };
}

/** What to configure for a command no configured plugin contributes. */
function whoContributes(word: string): string {
  const first = FIRST_PARTY_COMMANDS[word];
  return first
    ? `\`tfo ${word}\` is contributed by ${first.pkg}: add ${first.factory} to plugins in the config`
    : `\`tfo ${word}\` is not a built-in command; it can only come from a plugin in the config`;
}

/**
 * The engine whose plugins' commands this command line needs, or undefined when it names a
 * built-in command. `tfo --help` (and bare `tfo`) lists the contributed commands when a config is
 * there, the built-in ones alone when not. A word that is neither built in nor contributed by a
 * configured plugin is a usage error naming the plugin that would contribute it.
 */
export async function contributingEngine(
  program: Command,
  argv: readonly string[],
  streams: CommandStreams = STDIO,
): Promise<Engine | undefined> {
  const { word, topic, globals, help } = commandLine(argv);
  const isBuiltIn = (name: string | undefined): boolean =>
    name !== undefined && program.commands.some((c) => c.name() === name || c.aliases().includes(name));
  // `tfo help plan` needs no config: only a contributed command's help does
  if (isBuiltIn(word) || (word === 'help' && isBuiltIn(topic))) return undefined;
  if (word === undefined || word === 'help') {
    if (word === undefined && !help && argv.length > 2) return undefined; // `tfo --version` and the like
    try {
      return await openEngine(globals);
    } catch (err) {
      if (!(err instanceof TfoError && err.code === 'TFO_ERR_CONFIG_NOT_FOUND')) {
        streams.err.write(
          `warning: the commands of the configured plugins are not listed: ${redactText(String(err))}\n`,
        );
      }
      return undefined;
    }
  }
  let engine: Engine;
  try {
    engine = await openEngine(globals);
  } catch (err) {
    if (err instanceof TfoError && err.code === 'TFO_ERR_CONFIG_NOT_FOUND') {
      throw new TfoError(err.code, `${err.message}; ${whoContributes(word)}`, { file: err.file, cause: err });
    }
    throw err;
  }
  if (!engine.commands.some((c) => c.spec.name === word)) {
    const configured = engine.commands.map((c) => `tfo ${c.spec.name} (${c.plugin})`);
    await engine.close();
    throw new TfoError(
      'TFO_ERR_USAGE',
      `unknown command "${word}": ${whoContributes(word)} (${engine.settings.configFile ?? 'no config file'}); ` +
        `the configured plugins contribute ${configured.join(', ') || 'no commands'}`,
    );
  }
  return engine;
}

/** The IO a contributed command gets: everything it writes is redacted with the engine's sensitive values. */
export function commandIO(engine: Engine, globals: GlobalOptions, streams: CommandStreams = STDIO): CommandIO {
  const redact = (text: string): string => redactText(text, { sensitive: engine.sensitive });
  return {
    engine,
    cwd: globals.cwd,
    json: globals.json === true,
    out: (text) => void streams.out.write(redact(text)),
    err: (text) => void streams.err.write(redact(text)),
    show: async (data, text, sensitive = []) => {
      const known = new Set([...engine.sensitive, ...sensitive]);
      streams.out.write(await redactedOutput(engine, globals, data, text, known));
    },
  };
}

/** One spec as a commander command under `parent`, with its subcommands. */
function addSpec(
  parent: Command,
  spec: CommandSpec,
  engine: Engine,
  setCode: (code: number) => void,
  streams: CommandStreams,
  from = '',
): Command {
  const cmd = parent.command(spec.name).description(`${spec.description}${from}`);
  for (const a of spec.arguments ?? []) {
    const name = `${a.name}${a.variadic ? '...' : ''}`;
    cmd.addArgument(new Argument(a.required === false ? `[${name}]` : `<${name}>`, a.description));
  }
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.default !== undefined) option.default(o.default);
    if (o.choices) option.choices(o.choices);
    if (o.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  for (const sub of spec.subcommands ?? []) addSpec(cmd, sub, engine, setCode, streams);
  const run = spec.run;
  if (run) {
    cmd.action(async (...params: unknown[]) => {
      const self = params.at(-1) as Command;
      const options = self.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
      const args = self.processedArgs as Array<string | string[]>;
      setCode(await run.call(spec, { args, options }, commandIO(engine, options, streams)));
    });
  }
  return cmd;
}

/**
 * Adds the commands the engine's plugins contribute to `program`. A contributed command that
 * shadows a built-in one fails (the engine already refuses two plugins contributing one name).
 */
export function registerContributed(
  program: Command,
  engine: Engine,
  setCode: (code: number) => void,
  streams: CommandStreams = STDIO,
): void {
  const builtIn = new Set(program.commands.map((c) => c.name()));
  for (const { plugin, spec } of engine.commands) {
    if (builtIn.has(spec.name)) {
      throw new TfoError(
        'TFO_ERR_PLUGIN_DUPLICATE',
        `plugin "${plugin}" contributes the command "tfo ${spec.name}", which is built in: rename it`,
      );
    }
    addSpec(program, spec, engine, setCode, streams, ` (plugin ${plugin})`);
  }
}
