#!/usr/bin/env node
// Prints the markdown table of the first-party rules: per service, the rules of each profile
// (baseline, and what strict adds) and the CIS AWS Foundations controls they map to. It reads every
// rule's metadata from the policy sources (`opa eval data.tfo.main.metadata`, run after build).
// With --write it replaces the part of policies/README.md between the rules-table markers (and
// formats the file with prettier, as lint expects).
//   node scripts/policy-table.mjs [--write]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import * as prettier from 'prettier';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = path.join(repo, 'packages/plugin-opa/policies', 'README.md');
const START = '<!-- rules-table:start -->';
const END = '<!-- rules-table:end -->';
import { table } from './lib/policy-table.mjs';

const { regoSources, opaBinary } = await import('@tfo/plugin-opa');

/** Every rule's metadata, id → { title, severity, cis, profile, ... }. */
async function metadata() {
  const files = await regoSources([path.join(repo, 'packages/plugin-opa/policies')]);
  const args = ['eval', '--format', 'json', ...files.flatMap((f) => ['-d', f]), 'data.tfo.main.metadata'];
  const { stdout } = await execa(opaBinary(repo), args, { cwd: repo });
  return JSON.parse(stdout).result?.[0]?.expressions?.[0]?.value ?? {};
}

const text = table(await metadata());
if (process.argv.includes('--write')) {
  const readme = await readFile(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) {
    process.stderr.write(`policy-table: ${path.relative(repo, README)} has no ${START} ... ${END} section\n`);
    process.exit(1);
  }
  const next = `${readme.slice(0, from + START.length)}\n${text}\n${readme.slice(to)}`;
  const options = (await prettier.resolveConfig(README)) ?? {};
  await writeFile(README, await prettier.format(next, { ...options, filepath: README }));
  process.stderr.write(`policy-table: wrote ${path.relative(repo, README)}\n`);
} else {
  process.stdout.write(`${text}\n`);
}
