import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  redactTransform,
  sensitiveOfPlan,
  sensitiveOfState,
  TfoError,
  WorkerPool,
  type PlanJson,
  type RedactStreamOptions,
} from '@tfo/engine';
import type { Command } from 'commander';
import { reportError, type GlobalOptions } from '../main.js';
import { collect, intIn } from '../options.js';

interface RedactFlags {
  knownSecrets?: string[];
  plan?: string[];
  state?: string[];
  workers?: number;
}

/** A bad file given to `tfo redact`: its own exit code, so a CI step can tell it from a failed pipe. */
const EXIT_BAD_FILE = 2;

/**
 * On the main thread by default. Measured with bench/redact-stream.mjs (two cores shared with
 * other work), 64 K pieces, 200-300 MB: inline 26-30 MB/s at 144 MB peak RSS; one worker
 * 27 MB/s at 196 MB; two workers 26 MB/s at 254 MB (with 1 M pieces: 29, 19 and 16 MB/s). Decoding,
 * encoding and writing stay on the main thread, the copies to and from a worker cost about what
 * they save, and each worker brings its own heap, which the 150 MB target cannot afford.
 */
const DEFAULT_WORKERS = 0;
/**
 * Pieces of 64 K characters rather than the stream's default 1 M: strings this small die young in
 * V8's new space; 1 MB pieces and each rule's copy of them go to the large-object space and grow
 * the heap (peak RSS 141 MB against 202 MB on the same 200 MB, at the same speed).
 */
const PIECE_CHARS = 64 * 1024;

/** `tfo redact`: stdin to stdout, redacted, streaming; needs no tfo config. */
export function registerRedactCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('redact')
    .description('redact stdin to stdout (any CI log), streaming; needs no tfo config')
    .option('--known-secrets <file>', 'a file of secrets to remove, one per line (repeatable)', collect)
    .option(
      '--plan <plan.json>',
      "terraform's sensitive values from `terraform show -json` of a plan (repeatable)",
      collect,
    )
    .option(
      '--state <state.json>',
      'sensitive outputs and attributes of a state file or `terraform show -json` of state (repeatable)',
      collect,
    )
    .option(
      '--workers <n>',
      `redact in this many worker threads; 0: on the main thread (default ${DEFAULT_WORKERS})`,
      intIn({ min: 0, max: 64 }),
    )
    .action(async (flags: RedactFlags, cmd: Command) => {
      setCode(await redactCommand(flags, cmd.optsWithGlobals<GlobalOptions>().cwd));
    });
}

async function redactCommand(flags: RedactFlags, cwd: string): Promise<number> {
  const sensitive = new Set<string>();
  // files are named as given (the message), read relative to --cwd like every command's files
  const readInput = (file: string): Promise<string> => readNamed(path.resolve(cwd, file), file);
  const readJson = (file: string, what: 'plan' | 'state'): Promise<unknown> => readJsonNamed(file, what, readInput);
  try {
    for (const file of flags.knownSecrets ?? []) {
      for (const line of (await readInput(file)).split('\n')) {
        const secret = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (secret.trim()) sensitive.add(secret);
      }
    }
    for (const file of flags.plan ?? []) {
      const plan = (await readJson(file, 'plan')) as PlanJson;
      try {
        sensitiveOfPlan(plan, sensitive);
      } catch (err) {
        // a JSON object of another shape (resource_changes without `change`, ...)
        throw new TfoError('TFO_ERR_REDACT_INPUT', `${file} is not a terraform plan: ${(err as Error).message}`);
      }
    }
    for (const file of flags.state ?? []) sensitiveOfState(await readJson(file, 'state'), sensitive);
  } catch (err) {
    reportError(err);
    return EXIT_BAD_FILE;
  }
  const workers = flags.workers ?? DEFAULT_WORKERS;
  const pool = workers > 0 ? new WorkerPool(workers) : undefined;
  const options: RedactStreamOptions = {
    sensitive,
    pieceChars: PIECE_CHARS,
    ...(pool ? { runTask: (file, task, transfer) => pool.run(file, task, transfer), inFlight: workers + 1 } : {}),
  };
  try {
    await pipeline(process.stdin, redactTransform(options), process.stdout);
  } catch (err) {
    // the reader went away (`tfo redact | head`): nothing more to do
    if (
      ['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(
        (err as NodeJS.ErrnoException).code ?? '',
      )
    ) {
      return 0;
    }
    throw err;
  } finally {
    await pool?.destroy();
  }
  return 0;
}

async function readNamed(abs: string, file: string): Promise<string> {
  try {
    return await readFile(abs, 'utf8');
  } catch (err) {
    throw new TfoError('TFO_ERR_REDACT_INPUT', `${file} could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function readJsonNamed(
  file: string,
  what: 'plan' | 'state',
  readInput: (file: string) => Promise<string>,
): Promise<unknown> {
  const text = await readInput(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    throw new TfoError('TFO_ERR_REDACT_INPUT', `${file}${line ? `:${line}` : ''} is not valid JSON: ${message}`, {
      cause: err,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TfoError('TFO_ERR_REDACT_INPUT', `${file} is not a terraform ${what} (a JSON object)`);
  }
  return value;
}
