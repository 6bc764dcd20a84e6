#!/usr/bin/env node
// Compiles the first-party policies (packages/plugin-opa/policies) to wasm and writes
// packages/plugin-opa/bundle/first-party.{wasm,json}: the manifest holds the hash of the sources
// and the sha256 of the wasm, which the gate checks before it runs the shipped bundle without opa.
// With --check it fails when sources, bundle and manifest differ (a test checks the same).
//   node scripts/policy-bundle.mjs [--check]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const {
  compilePolicies,
  fileSha256,
  sourceHash,
  opaBinary,
  ENTRYPOINTS,
  FIRST_PARTY_BUNDLE,
  FIRST_PARTY_MANIFEST,
  FIRST_PARTY_POLICIES,
} = await import('@tfo/plugin-opa');
// compiled from inside the package by a relative path: the wasm names its sources `policies/...`,
// not the folder of the checkout that built it, so the same sources give the same bytes anywhere
const pkg = path.dirname(FIRST_PARTY_POLICIES);
process.chdir(pkg);
const dirs = [path.basename(FIRST_PARTY_POLICIES)];
const hash = await sourceHash(dirs);

if (process.argv.includes('--check')) {
  const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8').catch(() => '{}'));
  const wasm = await fileSha256(FIRST_PARTY_BUNDLE).catch(() => 'missing');
  if (manifest.hash !== hash || manifest.wasm !== wasm) {
    process.stderr.write(
      `policy bundle is stale: sources ${hash}, bundle built from ${manifest.hash ?? 'missing'} (wasm ${wasm}, manifest ${manifest.wasm ?? 'missing'}): run npm run policy:bundle\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`policy bundle matches its sources (${hash.slice(0, 12)})\n`);
  process.exit(0);
}

const compiled = await compilePolicies(dirs, await mkdtemp(path.join(tmpdir(), 'tfo-bundle-')), pkg);
await mkdir(path.dirname(FIRST_PARTY_BUNDLE), { recursive: true });
await copyFile(compiled.wasmFile, FIRST_PARTY_BUNDLE);
const version = (await execa(opaBinary(repo), ['version'])).stdout.split('\n')[0];
const manifest = {
  hash,
  wasm: await fileSha256(FIRST_PARTY_BUNDLE),
  sources: 'policies/',
  opa: version,
  entrypoints: [...ENTRYPOINTS],
};
await writeFile(FIRST_PARTY_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(`wrote ${path.relative(repo, FIRST_PARTY_BUNDLE)} (${hash.slice(0, 12)})\n`);
