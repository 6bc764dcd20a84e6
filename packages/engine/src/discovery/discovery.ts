import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { TfoConfig } from '../config/config-schema.js';
import { TfoError } from '../errors.js';
import { changedFiles, type ChangedFiles } from './git.js';
import type { DeletedDeployment, Deployment } from '../model.js';
import { assertUniqueKeys, requireServices, resolveAccountAndRegion, serviceMap, stateKey } from './sharding.js';
import { createTfvarsParser, findAttributeLine, type RawTfvarsParse, type TfvarsParser } from './tfvars.js';

export interface DiscoverOptions {
  config: TfoConfig;
  /** The config directory: relative paths resolve from here. */
  cwd: string;
  /** Globs matched against each file relative to `cwd`, and relative to `deploymentsDir`. */
  only?: readonly string[] | undefined;
  /** Keep only tfvars changed, added or renamed since this git ref (the work tree counts). */
  changedFrom?: string | undefined;
  /** Files read and parsed at once (default 64). */
  concurrency?: number | undefined;
  /** Parses tfvars elsewhere (the engine's worker pool) when there are many files. */
  rawParse?: RawTfvarsParse | undefined;
  /** Files from which `rawParse` is used (default 1,000: a worker's wasm takes a while to start). */
  rawParseFrom?: number | undefined;
}

export interface DiscoveryResult {
  /** Sorted by `file`. */
  deployments: Deployment[];
  /** tfvars gone since `changedFrom`: reported, never destroyed. */
  deleted: DeletedDeployment[];
}

/** Most problems listed in one combined error. */
const MAX_LISTED = 20;

/**
 * From this many files on, a caller's `rawParse` (worker threads) is used. The engine's runs pass
 * none: tfo's own parser takes about 17 µs of CPU for a small file, less than handing the file to
 * a thread and its values back (BENCHMARKS.md, "tfvars parser"), so discovery parses in process.
 */
const THREADED_FROM = 1000;

/**
 * Finds the deployments of a run: every tfvars file under `deploymentsDir` that matches
 * `include` and not `exclude`, narrowed by `only` and `changedFrom`, parsed and mapped to its
 * state key and root module. Input problems of all files are collected into one TfoError.
 */
export async function discoverDeployments(opts: DiscoverOptions): Promise<DiscoveryResult> {
  const { config } = opts;
  const cwd = path.resolve(opts.cwd);
  const root = path.resolve(cwd, config.deploymentsDir);
  await assertDir(root, cwd);

  const found = await glob([...config.include], { cwd: root, ignore: [...config.exclude], onlyFiles: true });
  let files = found.map((rel) => ({ rel, file: toPosix(path.relative(cwd, path.join(root, rel))) }));

  let deleted: DeletedDeployment[] = [];
  let changedModules: string[] = [];
  let changedTfvars: Set<string> | undefined;
  if (opts.changedFrom !== undefined) {
    const ref = opts.changedFrom;
    const changes = await changedFiles(cwd, ref);
    const now = new Set([...changes.changed, ...changes.renamed.map((r) => r.to)]);
    // A changed root module changes every deployment that uses it: those files are kept here and
    // narrowed to that module's users once parsed (the module is known only from the services).
    changedModules = rootModuleDirs(config, cwd).filter((dir) =>
      [...now, ...changes.deleted].some((f) => isInside(dir, path.resolve(cwd, f))),
    );
    if (changedModules.length === 0) files = files.filter((f) => now.has(f.file));
    else changedTfvars = now;
    deleted = deletedDeployments(changes, tfvarsMatcher(config, cwd), `since ${ref}`);
  }

  if (opts.only !== undefined && opts.only.length > 0) {
    const only = picomatch(opts.only.map((g) => g.replace(/^\.\//, '')));
    files = files.filter((f) => only(f.file) || only(f.rel));
  }

  const errors: TfoError[] = [];
  const parser = createTfvarsParser(files.length >= (opts.rawParseFrom ?? THREADED_FROM) ? opts.rawParse : undefined);
  const loaded = await mapLimit(files, opts.concurrency ?? 64, async ({ file }) => {
    try {
      return await loadDeployment(cwd, file, config, parser);
    } catch (err) {
      if (!(err instanceof TfoError) && !isFsError(err)) throw err;
      errors.push(err instanceof TfoError ? err : readError(err, file));
      return undefined;
    }
  }).finally(() => parser.close());
  const sorted = loaded
    .filter((d): d is Deployment => d !== undefined)
    .filter((d) => !changedTfvars || changedTfvars.has(d.file) || changedModules.includes(d.rootModule))
    .sort((a, b) => compare(a.file, b.file));

  // Each root module folder is checked once, and named with the first file (in order) that uses it.
  const users = new Map<string, string>();
  for (const d of sorted) if (!users.has(d.rootModule)) users.set(d.rootModule, d.file);
  for (const [dir, usedBy] of users) {
    const problem = await checkRootModule(dir, cwd, usedBy);
    if (problem !== undefined) errors.push(problem);
  }
  if (errors.length > 0) throw combine(errors);

  assertUniqueKeys(sorted);
  return { deployments: sorted, deleted };
}

async function loadDeployment(cwd: string, file: string, config: TfoConfig, parser: TfvarsParser): Promise<Deployment> {
  const absFile = path.resolve(cwd, file);
  // Sync on purpose: tfvars are small, and for 5,000 of them a sync read costs ~10 µs each
  // against ~150 µs of CPU through the async API; the event loop is only waiting on parses.
  const bytes = readFileSync(absFile);
  const text = bytes.toString('utf8');
  const values = await parser.parse(text, file);
  const services = requireServices(values, file, serviceMap(config));
  const { account, region } = resolveAccountAndRegion(values, file, text, config);
  const project = path.basename(path.dirname(absFile));
  return {
    file,
    absFile,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    project,
    account,
    region,
    services,
    key: stateKey(services, account.name, region, project),
    rootModule: rootModuleFor(config, cwd, file, services, text),
    values,
    // the one read of this file in a run: the run snapshots these bytes, never the file again
    tfvars: bytes,
  };
}

/** `rootModule` as a string, or per service: the single service's entry, else `default`. */
function rootModuleFor(
  config: TfoConfig,
  cwd: string,
  file: string,
  services: readonly string[],
  text: string,
): string {
  const spec = config.rootModule;
  if (typeof spec === 'string') return path.resolve(cwd, spec);
  const single = services.length === 1 ? services[0] : undefined;
  const entry = (single !== undefined && Object.hasOwn(spec, single) ? spec[single] : undefined) ?? spec['default'];
  if (entry !== undefined) return path.resolve(cwd, entry);
  const line = findServiceLine(text, config) ?? 1;
  throw new TfoError(
    'TFO_ERR_ROOT_MODULE_MISSING',
    `${file}:${line}: no root module for ${single === undefined ? 'the services' : 'service'} ` +
      `${services.join(', ')}: config rootModule has entries for ${Object.keys(spec).join(', ')} ` +
      'and no "default"; add one',
    { file, line },
  );
}

function findServiceLine(text: string, config: TfoConfig): number | undefined {
  const map = serviceMap(config);
  for (const key of Object.keys(map)) {
    const line = findAttributeLine(text, [key]);
    if (line !== undefined) return line;
  }
  return undefined;
}

/** The root module folder must exist and hold at least one `.tf` (or `.tf.json`) file. */
async function checkRootModule(dir: string, cwd: string, usedBy: string): Promise<TfoError | undefined> {
  const shown = toPosix(path.relative(cwd, dir)) || '.';
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (cause) {
    return new TfoError(
      'TFO_ERR_ROOT_MODULE_MISSING',
      `${shown}: root module folder (used by ${usedBy}) does not exist or is not a folder; fix rootModule in config`,
      { file: shown, cause },
    );
  }
  if (entries.some((e) => e.endsWith('.tf') || e.endsWith('.tf.json'))) return undefined;
  return new TfoError(
    'TFO_ERR_ROOT_MODULE_MISSING',
    `${shown}: root module folder (used by ${usedBy}) holds no .tf files; fix rootModule in config`,
    { file: shown },
  );
}

async function assertDir(dir: string, cwd: string): Promise<void> {
  const s = await stat(dir).catch(() => undefined);
  if (s?.isDirectory()) return;
  const shown = toPosix(path.relative(cwd, dir)) || '.';
  throw new TfoError('TFO_ERR_CONFIG_INVALID', `deploymentsDir ${shown} is not a folder; fix deploymentsDir in config`);
}

function isFsError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function readError(cause: unknown, file: string): TfoError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TfoError('TFO_ERR_TFVARS_READ', `${file}: could not be read: ${detail}`, { file, cause });
}

/** One error for many: the first one's code and location, every message (up to 20) listed. */
function combine(errors: TfoError[]): TfoError {
  const sorted = [...errors].sort((a, b) => compare(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  const first = sorted[0]!;
  if (sorted.length === 1) return first;
  const listed = sorted.slice(0, MAX_LISTED).map((e) => `  ${e.message.replace(/\n/g, '\n    ')}`);
  if (sorted.length > MAX_LISTED) listed.push(`  ... and ${sorted.length - MAX_LISTED} more`);
  return new TfoError(first.code, `${sorted.length} problems found discovering deployments:\n${listed.join('\n')}`, {
    file: first.file,
    line: first.line,
    column: first.column,
    cause: new AggregateError(sorted, `${sorted.length} problems found discovering deployments`),
  });
}

/** Whether a file (relative to the config folder) is a deployment's tfvars: under deploymentsDir, included, not excluded. */
export function tfvarsMatcher(
  config: Pick<TfoConfig, 'deploymentsDir' | 'include' | 'exclude'>,
  cwd: string,
): (file: string) => boolean {
  const root = path.resolve(cwd, config.deploymentsDir);
  const matches = picomatch([...config.include], { ignore: [...config.exclude] });
  return (file) => {
    const rel = toPosix(path.relative(root, path.resolve(cwd, file)));
    return !rel.startsWith('../') && !path.isAbsolute(rel) && matches(rel);
  };
}

/**
 * The tfvars files a change deleted (or renamed away), to be reported and never destroyed.
 * `when` says which change: `since main`, `by pull request #12`.
 */
export function deletedDeployments(
  changes: Pick<ChangedFiles, 'deleted' | 'renamed'>,
  isTfvars: (file: string) => boolean,
  when: string,
): DeletedDeployment[] {
  return [
    ...changes.deleted.filter(isTfvars).map((file) => ({
      file,
      reason: `deleted ${when}: its resources are NOT destroyed; destroy them explicitly`,
    })),
    ...changes.renamed
      .filter((r) => isTfvars(r.from))
      .map((r) => ({
        file: r.from,
        reason:
          `deleted ${when} (git sees it renamed to ${r.to}): its resources are NOT destroyed; ` +
          `if ${r.to} maps to another state key they stay in the old one (and may be created twice): ` +
          'move the state or destroy them explicitly',
      })),
  ].sort((a, b) => compare(a.file, b.file));
}

/** Runs `fn` over `items` with at most `limit` at once; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every root module folder the config names. */
function rootModuleDirs(config: TfoConfig, cwd: string): string[] {
  const named = typeof config.rootModule === 'string' ? [config.rootModule] : Object.values(config.rootModule);
  return [...new Set(named.map((m) => path.resolve(cwd, m)))];
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
