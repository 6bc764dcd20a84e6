import { redactInPool, redactValue, type Engine } from '@tfo/engine';
import type { GlobalOptions } from '../main.js';

/**
 * What a command prints, redacted once before anything else touches it: with `--json`, `data`
 * string by string and then serialised (JSON escapes never stand between a secret and the rules);
 * else `text` (plain text made of the data) as one text. `sensitive`: values known to be secret
 * (default: the engine's).
 */
export async function redactedOutput(
  engine: Engine,
  globals: Pick<GlobalOptions, 'json'>,
  data: unknown,
  text: string,
  sensitive: Iterable<string> = engine.sensitive,
): Promise<string> {
  if (globals.json) return `${JSON.stringify(await redactValue(engine, data, sensitive), null, 2)}\n`;
  return redactInPool(engine, text, sensitive);
}

export async function printRedacted(
  engine: Engine,
  globals: Pick<GlobalOptions, 'json'>,
  data: unknown,
  text: string,
): Promise<void> {
  process.stdout.write(await redactedOutput(engine, globals, data, text));
}
