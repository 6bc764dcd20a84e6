import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TfoError } from '@tfo/engine';
import { compilePolicies, sourceHash, type CompiledPolicy } from './compile.js';

/** The name of the first-party policy set in `opa({ policies })`, beside an organisation's folders. */
export const FIRST_PARTY = '@tfo/plugin-opa/policies';

/** The first-party Rego sources, their tests and test data, shipped in this package. */
export const FIRST_PARTY_POLICIES = fileURLToPath(new URL('../policies', import.meta.url));

/** The shipped compiled bundle of the first-party policies, with the hash of its sources. */
export const FIRST_PARTY_BUNDLE = fileURLToPath(new URL('../bundle/first-party.wasm', import.meta.url));
export const FIRST_PARTY_MANIFEST = fileURLToPath(new URL('../bundle/first-party.json', import.meta.url));

/** What the manifest says of the bundle beside it. */
export interface BundleManifest {
  /** sourceHash of the policy folder the bundle was compiled from. */
  hash: string;
  /** sha256 of first-party.wasm. */
  wasm: string;
  opa: string;
}

/** A policy folder as configured, with FIRST_PARTY named by its path in this package. */
export function policyFolder(entry: string): string {
  return entry === FIRST_PARTY ? FIRST_PARTY_POLICIES : entry;
}

/** sha256 of a file's bytes, hex. */
export async function fileSha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * The shipped bundle when it was compiled from sources of this hash (the first-party folder, or
 * a copy of it), after checking its bytes against the manifest; otherwise undefined.
 */
export async function shippedBundle(hash: string): Promise<CompiledPolicy | undefined> {
  if (!existsSync(FIRST_PARTY_MANIFEST)) return undefined;
  const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8')) as Partial<BundleManifest>;
  if (manifest.hash !== hash) return undefined;
  const actual = existsSync(FIRST_PARTY_BUNDLE) ? await fileSha256(FIRST_PARTY_BUNDLE) : 'missing';
  if (actual !== manifest.wasm) {
    throw new TfoError(
      'TFO_ERR_POLICY_BUILD',
      `the first-party bundle ${FIRST_PARTY_BUNDLE} is not the one its manifest names (sha256 ${actual}, expected ${manifest.wasm}): reinstall @tfo/plugin-opa`,
      { file: FIRST_PARTY_BUNDLE },
    );
  }
  return { wasmFile: FIRST_PARTY_BUNDLE, hash };
}

/**
 * Finds the compiled module of policy folders: the shipped first-party bundle when they are the
 * first-party set (no opa needed), then the cache, else `opa build` (an organisation's Rego).
 */
export async function resolvePolicy(dirs: string[], cacheDir: string, cwd: string): Promise<CompiledPolicy> {
  const hash = await sourceHash(dirs);
  const shipped = await shippedBundle(hash);
  // compilePolicies answers from the cache (by the same hash) before it needs opa
  return shipped ?? compilePolicies(dirs, cacheDir, cwd, hash);
}
