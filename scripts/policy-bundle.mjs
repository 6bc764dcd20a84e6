#!/usr/bin/env node
// Compiles the first-party policies (policies/) to wasm and commits-ready writes
// packages/plugin-opa/bundle/first-party.{wasm,json} with the hash of their sources, so tfo runs
// the policy gate where opa is not installed. A test fails when sources and bundle differ.
//   node scripts/policy-bundle.mjs [--check]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { compilePolicies, sourceHash, opaBinary, FIRST_PARTY_BUNDLE, FIRST_PARTY_MANIFEST } = await import(
  '@tfo/plugin-opa'
);
const dirs = [path.join(repo, 'policies')];
const hash = await sourceHash(dirs);

if (process.argv.includes('--check')) {
  const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8').catch(() => '{}'));
  if (manifest.hash !== hash) {
    process.stderr.write(
      `policy bundle is stale: sources ${hash}, bundle ${manifest.hash ?? 'missing'}: run npm run policy:bundle\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`policy bundle matches its sources (${hash.slice(0, 12)})\n`);
  process.exit(0);
}

const compiled = await compilePolicies(dirs, await mkdtemp(path.join(tmpdir(), 'tfo-bundle-')), repo);
await mkdir(path.dirname(FIRST_PARTY_BUNDLE), { recursive: true });
await copyFile(compiled.wasmFile, FIRST_PARTY_BUNDLE);
const version = (await execa(opaBinary(repo), ['version'])).stdout.split('\n')[0];
await writeFile(
  FIRST_PARTY_MANIFEST,
  `${JSON.stringify({ hash, sources: 'policies/', opa: version, entrypoints: ['tfo/main/deny', 'tfo/main/warn', 'tfo/main/result', 'tfo/main/metadata'] }, null, 2)}\n`,
);
process.stderr.write(`wrote ${path.relative(repo, FIRST_PARTY_BUNDLE)} (${hash.slice(0, 12)})\n`);
