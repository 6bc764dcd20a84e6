import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import type { ZodError } from 'zod';
import { configSchema, type TfoConfig } from './config-schema.js';
import { TfoError } from '../errors.js';

const MODULE_NAME = 'orchestrator';

export const CONFIG_FILES = Object.freeze([
  'orchestrator.config.ts',
  'orchestrator.config.mts',
  'orchestrator.config.mjs',
  'orchestrator.config.js',
  'orchestrator.config.json',
  'orchestrator.config.yaml',
  'orchestrator.config.yml',
]);

/**
 * TypeScript (and ESM JavaScript) configs load through jiti: no separate build step. jiti (with
 * the babel it bundles, ~45 MB resident) is imported only here, so commands that load no config
 * (`tfo redact`) stay small.
 */
const loadWithJiti: Loader = async (filepath) => {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
  const mod = await jiti.import<Record<string, unknown>>(filepath);
  if (mod?.default === undefined) throw noDefaultExport(filepath, mod);
  return mod.default;
};

/** A config module that exports no config: one clear error instead of every field "Required". */
function noDefaultExport(file: string, mod: Record<string, unknown> | undefined): TfoError {
  const named = Object.keys(mod ?? {}).filter((k) => k !== 'default');
  const has = named.length ? ` (it exports only ${named.map((n) => `\`${n}\``).join(', ')})` : '';
  return new TfoError(
    'TFO_ERR_CONFIG_LOAD',
    `${file} has no default export${has}: write \`export default defineConfig({ ... })\` ` +
      `(defineConfig from '@tfo/engine'), or \`export default { ... }\``,
    { file },
  );
}

export interface LoadedConfig {
  config: TfoConfig;
  /** Absolute path of the file. */
  file: string;
  /** Its folder: relative paths in the config resolve from here. */
  dir: string;
}

/** Finds (in `cwd` only) or reads the given config file, validates it, and returns it. */
export async function loadConfig(options: { cwd: string; file?: string | undefined }): Promise<LoadedConfig> {
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...CONFIG_FILES],
    searchStrategy: 'none',
    loaders: { '.ts': loadWithJiti, '.mts': loadWithJiti, '.mjs': loadWithJiti, '.js': loadWithJiti },
    cache: false,
  });
  let found: { config: unknown; filepath: string } | null;
  const shown = options.file ?? options.cwd;
  try {
    found = options.file
      ? await explorer.load(path.resolve(options.cwd, options.file))
      : await explorer.search(options.cwd);
  } catch (err) {
    if (err instanceof TfoError) throw err;
    const file = options.file
      ? path.resolve(options.cwd, options.file)
      : (CONFIG_FILES.map((f) => path.join(options.cwd, f)).find((f) => existsSync(f)) ?? shown);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && (!e.path || path.resolve(e.path) === file)) {
      throw new TfoError('TFO_ERR_CONFIG_NOT_FOUND', `config file not found: ${file}`, { file, cause: err });
    }
    throw new TfoError('TFO_ERR_CONFIG_LOAD', `${file}: ${e.message}`, { file, cause: err });
  }
  if (!found) {
    throw new TfoError('TFO_ERR_CONFIG_NOT_FOUND', `no ${CONFIG_FILES.join(', ')} in ${options.cwd}`);
  }
  const config = validateConfig(found.config, found.filepath);
  return { config, file: found.filepath, dir: path.dirname(found.filepath) };
}

/** Validates a raw config object; errors name each bad field's path, what was expected, and the line. */
export function validateConfig(raw: unknown, file: string): TfoConfig {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = describeIssues(parsed.error, file);
  const first = lines[0];
  throw new TfoError(
    'TFO_ERR_CONFIG_INVALID',
    `${file}: invalid config:\n${lines.map((l) => `  - ${l.text}`).join('\n')}`,
    { file, line: first?.line },
  );
}

function describeIssues(error: ZodError, file: string): Array<{ text: string; line?: number | undefined }> {
  let source = '';
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    // no source to point into
  }
  return error.issues.map((issue) => {
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const fieldPath = unknown.length ? [...issue.path, unknown[0]!] : issue.path;
    const at = fieldPath.length ? fieldPath.join('.') : '(root)';
    const line = lineOfField(source, fieldPath);
    const where = line ? `${path.basename(file)}:${line} ` : '';
    return { text: `${where}${at}: ${issue.message}`, line };
  });
}

/**
 * Best effort: walks the path's named segments down the file, each found at or after its parent's
 * line, and returns the line of the deepest one found.
 */
function lineOfField(source: string, fieldPath: ReadonlyArray<PropertyKey>): number | undefined {
  if (!source) return undefined;
  const lines = source.split('\n');
  let from = 0;
  let found: number | undefined;
  for (const segment of fieldPath) {
    if (typeof segment !== 'string') continue;
    const escaped = segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[\\s{,])["']?${escaped}["']?\\s*[:=]`);
    const idx = lines.findIndex((l, i) => i >= from && re.test(l));
    if (idx < 0) continue;
    found = idx + 1;
    from = idx;
  }
  return found;
}
