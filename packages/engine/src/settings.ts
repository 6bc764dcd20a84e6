import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { TfoConfig } from './config-schema.js';

/** Config with every path made absolute and every default decided. */
export interface ResolvedSettings {
  config: TfoConfig;
  /** Folder of the config file. */
  cwd: string;
  /** Absolute path of the config file, when one was loaded. */
  configFile?: string | undefined;
  /** `.tfo/` */
  stateDir: string;
  maxWorkers: number;
  timeoutMs: number;
  graceMs: number;
}

/** `min(2 × CPUs, 5)`; TFO_MAX_WORKERS overrides config, an explicit CLI value overrides both. */
export function defaultMaxWorkers(): number {
  return Math.max(1, Math.min(2 * availableParallelism(), 5));
}

export function resolveSettings(
  config: TfoConfig,
  cwd: string,
  overrides: { maxWorkers?: number | undefined; configFile?: string | undefined } = {},
): ResolvedSettings {
  const envWorkers = Number.parseInt(process.env.TFO_MAX_WORKERS ?? '', 10);
  const maxWorkers =
    overrides.maxWorkers ??
    (Number.isInteger(envWorkers) && envWorkers > 0 ? envWorkers : undefined) ??
    config.maxWorkers ??
    defaultMaxWorkers();
  return {
    config,
    cwd,
    configFile: overrides.configFile,
    stateDir: path.resolve(cwd, config.stateDir),
    maxWorkers,
    timeoutMs: config.timeoutSeconds * 1000,
    graceMs: config.interruptGraceSeconds * 1000,
  };
}
