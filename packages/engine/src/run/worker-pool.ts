import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

/** Workers stay warm this long after their last task. */
const IDLE_TIMEOUT_MS = 30_000;

/** Threads: one per CPU, TFO_POOL_SIZE overrides. */
export function poolSize(): number {
  const env = Number.parseInt(process.env.TFO_POOL_SIZE ?? '', 10);
  return Number.isInteger(env) && env > 0 ? env : Math.max(1, availableParallelism());
}

/**
 * Path of a compiled worker file beside the module at `fromUrl`. Source files (under test)
 * map to the package's built `dist/`, since worker threads run JavaScript.
 */
export function workerPath(fromUrl: string, name: string): string {
  const here = fileURLToPath(fromUrl);
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    // src/<folders>/x.ts runs dist/<folders>/x.js
    const at = dir.lastIndexOf(`${path.sep}src`);
    const built = path.join(dir.slice(0, at), 'dist', dir.slice(at + 4), `${name}.js`);
    if (!existsSync(built)) throw new Error(`worker ${name} is not built: run \`npm run build\` (${built})`);
    return built;
  }
  return path.join(dir, `${name}.js`);
}

/** One pool for the engine and every plugin; tasks name their worker file. Created lazily. */
export class WorkerPool {
  readonly #piscina: Piscina;

  constructor(size = poolSize()) {
    this.#piscina = new Piscina({
      minThreads: 0,
      maxThreads: size,
      idleTimeout: IDLE_TIMEOUT_MS,
    });
  }

  get size(): number {
    return this.#piscina.options.maxThreads;
  }

  run<T, R>(filename: string, payload: T, transferList?: readonly ArrayBuffer[]): Promise<R> {
    return this.#piscina.run(payload, {
      filename,
      ...(transferList ? { transferList: transferList as ArrayBuffer[] } : {}),
    }) as Promise<R>;
  }

  async destroy(): Promise<void> {
    await this.#piscina.destroy();
  }
}
