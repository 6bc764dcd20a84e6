import { availableParallelism } from 'node:os';
import path from 'node:path';
import { MAX_WORKERS_RANGE, type TfoConfig } from './config-schema.js';
import { TfoError } from '../errors.js';

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

/** Allowed TFO_POOL_SIZE (worker threads of the shared pool). */
export const POOL_SIZE_RANGE = Object.freeze({ min: 1, max: 256 });

/** `min(2 × CPUs, 5)`; TFO_MAX_WORKERS overrides config, an explicit CLI value overrides both. */
export function defaultMaxWorkers(): number {
  return Math.max(1, Math.min(2 * availableParallelism(), 5));
}

/** Whether `value` is an integer in the range; the message a user sees when it is not. */
export function checkIntRange(what: string, value: string | number, range: { min: number; max: number }): number {
  const n = intInRange(value, range);
  if (n === undefined) {
    throw new TfoError(
      'TFO_ERR_USAGE',
      `${what}: must be an integer from ${range.min} to ${range.max}, not "${value}"`,
    );
  }
  return n;
}

/** The integer `value` spells when it lies in `range` (whole digits only: no `1e3`, no `12abc`). */
export function intInRange(value: string | number, range: { min: number; max: number }): number | undefined {
  const text = String(value).trim();
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(n) && n >= range.min && n <= range.max ? n : undefined;
}

/** An integer from the environment; a value that is set but out of range is a usage error, never ignored. */
export function intFromEnv(name: string, range: { min: number; max: number }): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return checkIntRange(`environment variable ${name}`, raw, range);
}

export function resolveSettings(
  config: TfoConfig,
  cwd: string,
  overrides: { maxWorkers?: number | undefined; configFile?: string | undefined } = {},
): ResolvedSettings {
  const envWorkers = intFromEnv('TFO_MAX_WORKERS', MAX_WORKERS_RANGE);
  // checked here, before any work, although the worker pool reads it when it starts
  intFromEnv('TFO_POOL_SIZE', POOL_SIZE_RANGE);
  const explicit =
    overrides.maxWorkers === undefined
      ? undefined
      : checkIntRange('--max-workers', overrides.maxWorkers, MAX_WORKERS_RANGE);
  const maxWorkers = explicit ?? envWorkers ?? config.maxWorkers ?? defaultMaxWorkers();
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
