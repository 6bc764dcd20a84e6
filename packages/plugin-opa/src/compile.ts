import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TfoError } from '@tfo/engine';
import { execa } from 'execa';
import { list as listTar } from 'tar';
import { isMissingBinary, opaMissing } from './opa-install.js';

/** What opa is needed for when it compiles. */
const COMPILE_NEEDS = "compile policies other than the first-party set (an organisation's own Rego)";

/** Entry points the bundle exposes; the worker evaluates `result` and reads `metadata` once. */
export const ENTRYPOINTS = Object.freeze(['tfo/main/deny', 'tfo/main/warn', 'tfo/main/result', 'tfo/main/metadata']);

/** Rego sources of a set of policy folders: every `.rego` that is not a test, sorted. */
export async function regoSources(dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testdata' && !e.name.startsWith('.')) await walk(p);
      } else if (e.name.endsWith('.rego') && !e.name.endsWith('_test.rego')) out.push(p);
    }
  };
  for (const d of dirs) {
    if (!existsSync(d)) throw new TfoError('TFO_ERR_POLICY_BUILD', `policy folder ${d} does not exist`, { file: d });
    await walk(d);
  }
  return out.sort();
}

/** sha256 over the relative names and bytes of the sources: what a compiled bundle is keyed by. */
export async function sourceHash(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of await regoSources([dir])) {
      hash.update(path.relative(dir, file).split(path.sep).join('/'));
      hash.update('\0');
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

/** The builtins the opa-wasm JavaScript SDK can run: an unsupported one fails the build. */
export function wasmCapabilities(): string {
  // the package does not export the file: find it beside its resolved entry point
  const main = createRequire(import.meta.url).resolve('@open-policy-agent/opa-wasm');
  for (let dir = path.dirname(main); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'capabilities.json');
    if (existsSync(file)) return file;
  }
  throw new TfoError('TFO_ERR_POLICY_BUILD', 'capabilities.json of @open-policy-agent/opa-wasm was not found');
}

/**
 * What `opa build` may use: the language features of this opa, and only the builtins that the
 * opa-wasm SDK can run (natively in wasm or in JavaScript). Anything else fails the build.
 */
export async function buildCapabilities(opa: string): Promise<Record<string, unknown>> {
  const sdk = JSON.parse(await readFile(wasmCapabilities(), 'utf8')) as {
    builtins: Array<{ name: string }>;
    wasm_abi_versions?: unknown;
  };
  const supported = new Set(sdk.builtins.map((b) => b.name));
  let current: { builtins: Array<{ name: string }>; [k: string]: unknown };
  try {
    current = JSON.parse((await execa(opa, ['capabilities', '--current'])).stdout) as typeof current;
  } catch (err) {
    if (isMissingBinary(err)) throw opaMissing(opa, COMPILE_NEEDS, err);
    throw new TfoError('TFO_ERR_POLICY_BUILD', `opa failed (${(err as Error).message})`, { cause: err });
  }
  return {
    ...current,
    builtins: current.builtins.filter((b) => supported.has(b.name)),
    wasm_abi_versions: sdk.wasm_abi_versions ?? current.wasm_abi_versions,
  };
}

/** Finds the opa binary: TFO_OPA, then .tools/bin/opa above `cwd`, then PATH. */
export function opaBinary(cwd: string): string {
  if (process.env.TFO_OPA) return process.env.TFO_OPA;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.tools', 'bin', 'opa');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return 'opa';
  }
}

/** Turns opa's `file:line: code: message` errors into one coded error naming the first file and line. */
export function buildError(output: string): TfoError {
  const lines = output.split('\n').filter((l) => l.trim());
  const located = lines.map((l) => l.match(/(\S+\.rego):(\d+)(?::\d+)?: (.*)$/)).find(Boolean);
  const message = lines.filter((l) => !/^\d+ errors? occurred/.test(l)).join('\n  ') || 'opa build failed';
  return new TfoError('TFO_ERR_POLICY_BUILD', `policies do not compile:\n  ${message}`, {
    file: located?.[1],
    line: located ? Number(located[2]) : undefined,
  });
}

/**
 * Reads one file out of a gzipped tar (the bundle `opa build` writes), with node-tar: entry names
 * are compared without a leading `/` or `./`. Undefined when the archive has no such file.
 */
export async function fileFromTarGz(archive: string, name: string): Promise<Buffer | undefined> {
  let chunks: Buffer[] | undefined;
  await listTar({
    file: archive,
    strict: true,
    filter: (entry) => entry.replace(/^\.?\//, '') === name,
    onReadEntry: (entry) => {
      const own: Buffer[] = [];
      chunks = own;
      entry.on('data', (chunk: Buffer) => own.push(chunk));
    },
  });
  return chunks && Buffer.concat(chunks);
}

export interface CompiledPolicy {
  wasmFile: string;
  hash: string;
}

/**
 * Compiles policy folders to one wasm module with `opa build -t wasm`, checked against the
 * opa-wasm SDK's capabilities; cached under `cacheDir` by the hash of the sources.
 */
export async function compilePolicies(
  dirs: readonly string[],
  cacheDir: string,
  cwd: string,
  /** The folders' sourceHash, when the caller has it already. */
  known?: string,
): Promise<CompiledPolicy> {
  const hash = known ?? (await sourceHash(dirs));
  const wasmFile = path.join(cacheDir, `${hash}.wasm`);
  if (existsSync(wasmFile)) return { wasmFile, hash };
  const work = await mkdtemp(path.join(tmpdir(), 'tfo-opa-build-'));
  try {
    const bundle = path.join(work, 'bundle.tar.gz');
    const capabilities = path.join(work, 'capabilities.json');
    await writeFile(capabilities, JSON.stringify(await buildCapabilities(opaBinary(cwd))));
    const args = ['build', '-t', 'wasm', '--capabilities', capabilities, '-o', bundle];
    for (const e of ENTRYPOINTS) args.push('-e', e);
    args.push('--ignore', '*_test.rego', '--ignore', 'testdata', '--ignore', '*.json', '--ignore', '*.md', ...dirs);
    let out;
    try {
      out = await execa(opaBinary(cwd), args, { reject: false, all: true, cwd });
    } catch (err) {
      if (isMissingBinary(err)) throw opaMissing(opaBinary(cwd), COMPILE_NEEDS, err);
      throw new TfoError('TFO_ERR_POLICY_BUILD', `opa could not run: ${(err as Error).message}`, { cause: err });
    }
    if (out.failed) {
      if (isMissingBinary(out)) throw opaMissing(opaBinary(cwd), COMPILE_NEEDS);
      throw buildError(out.all ?? out.message);
    }
    const wasm = await fileFromTarGz(bundle, 'policy.wasm');
    if (!wasm) throw new TfoError('TFO_ERR_POLICY_BUILD', 'opa build wrote no policy.wasm');
    await mkdir(cacheDir, { recursive: true });
    await writeFile(`${wasmFile}.tmp`, wasm);
    await rename(`${wasmFile}.tmp`, wasmFile);
    return { wasmFile, hash };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
