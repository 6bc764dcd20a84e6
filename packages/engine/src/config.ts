import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { createJiti } from 'jiti';
import type { ZodError } from 'zod';
import { configSchema, type TfoConfig } from './config-schema.js';
import { TfoError } from './errors.js';

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

/** TypeScript (and ESM JavaScript) configs load through jiti: no separate build step. */
const loadWithJiti: Loader = async (filepath) => {
  const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
  return jiti.import(filepath, { default: true });
};

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
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TfoError('TFO_ERR_CONFIG_NOT_FOUND', `config file not found: ${shown}`, { file: shown, cause: err });
    }
    throw new TfoError('TFO_ERR_CONFIG_LOAD', `${shown}: ${(err as Error).message}`, { file: shown, cause: err });
  }
  if (!found) {
    throw new TfoError(
      'TFO_ERR_CONFIG_NOT_FOUND',
      `no ${CONFIG_FILES.join(', ')} in ${options.cwd}`,
    );
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
    const at = issue.path.length ? issue.path.join('.') : '(root)';
    const line = lineOfField(source, fieldPath);
    const where = line ? `${path.basename(file)}:${line} ` : '';
    return { text: `${where}${at}: ${issue.message}`, line };
  });
}

/** Best effort: the first line that names the deepest named field of the path. */
function lineOfField(source: string, fieldPath: ReadonlyArray<string | number>): number | undefined {
  const names = fieldPath.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  if (!source || !last) return undefined;
  const escaped = last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(^|[\\s{,])["']?${escaped}["']?\\s*[:=]`);
  const lines = source.split('\n');
  const idx = lines.findIndex((l) => re.test(l));
  return idx >= 0 ? idx + 1 : undefined;
}
