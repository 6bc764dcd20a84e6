import { createEngine, loadConfig, type Engine } from '@tfo/engine';
import type { GlobalOptions } from './main.js';

/** The engines this process opened: their sensitive values are redacted from error messages too. */
const opened: Engine[] = [];

/** Every value terraform marked sensitive in this process's runs (for errors printed after them). */
export function knownSensitive(): string[] {
  return opened.flatMap((e) => [...e.sensitive]);
}

/** Loads the config and builds the engine with its plugins. */
export async function openEngine(globals: GlobalOptions, maxWorkers?: number): Promise<Engine> {
  const loaded = await loadConfig({ cwd: globals.cwd, file: globals.config });
  const engine = createEngine({ config: loaded.config, cwd: loaded.dir, configFile: loaded.file, maxWorkers });
  opened.push(engine);
  return engine;
}

/**
 * Ctrl-C and SIGTERM (what CI sends before SIGKILL). The first stops scheduling and forwards one
 * SIGINT to running terraform (the engine does, through the signal). A second only says that
 * terraform is still finishing and that tfo keeps waiting: exiting then would leave a half-applied
 * key, its locks and no result. A third exits at once; terraform runs on in its own session and
 * finishes, and the next `tfo apply` reconciles the run from its journal.
 */
export function cancellation(say: (message: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) {
      say(`${sig}: no new deployments start; running terraform got one interrupt and is finishing…`);
      controller.abort(new Error(`received ${sig}`));
    } else if (count === 2) {
      say(
        `${sig} again: still waiting for terraform to finish so state, locks and the result are written; ` +
          'send it once more to exit now (terraform finishes on its own; the next `tfo apply` reconciles this run)',
      );
    } else {
      say(`${sig} a third time: exiting now; the next \`tfo apply\` reconciles this run from its journal`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
