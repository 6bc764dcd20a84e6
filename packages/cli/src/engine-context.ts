import { createEngine, loadConfig, type Engine } from '@tfo/engine';
import type { GlobalOptions } from './main.js';

/** Loads the config and builds the engine with its plugins. */
export async function openEngine(globals: GlobalOptions, maxWorkers?: number): Promise<Engine> {
  const loaded = await loadConfig({ cwd: globals.cwd, file: globals.config });
  return createEngine({ config: loaded.config, cwd: loaded.dir, configFile: loaded.file, maxWorkers });
}

/** Aborts on the first SIGINT/SIGTERM; a second one exits at once. */
export function cancellation(onFirst: (signal: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${sig} again: exiting now; running terraform may be left mid-operation\n`);
      process.exit(130);
    }
    onFirst(sig);
    controller.abort(new Error(`received ${sig}`));
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
