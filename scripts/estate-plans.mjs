#!/usr/bin/env node
// Plan every case of the real-module estate (tests/estate/<case>/main.tf) with terraform against a
// local moto server and write `terraform show -json` to tests/estate/plans/<case>.plan.json.
//
//   node scripts/estate-plans.mjs [case ...]
//
// Needs the public corpus ($TFO_CORPUS, else a shared/corpus folder above the repository),
// terraform on PATH (or $TFO_TERRAFORM), the hashicorp/aws provider in a filesystem mirror
// ($TFO_PROVIDER_MIRROR, default /opt/tf-plugins) and moto_server (scripts/setup-tools).
// The expectations (<case>.expect.json) are written by hand, never by this script.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { estateCases, findCorpus, planEstate } from './lib/estate.mjs';
import { startMoto } from './lib/moto.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

const corpus = findCorpus(REPO);
if (!corpus) {
  console.error('estate-plans: no corpus found: set TFO_CORPUS or put shared/corpus above the repository');
  process.exit(2);
}
const all = await estateCases(REPO);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((c) => !all.includes(c));
if (unknown.length > 0) {
  console.error(`estate-plans: no such case: ${unknown.join(', ')} (cases: ${all.join(', ')})`);
  process.exit(2);
}
const cases = wanted.length > 0 ? wanted : all;

const work = await mkdtemp(path.join(tmpdir(), 'tfo-estate-'));
const moto = await startMoto();
try {
  const plans = await planEstate({
    repo: REPO,
    corpus,
    cases,
    work,
    endpoint: moto.endpoint,
    concurrency: 2,
    log: (line) => console.log(line),
  });
  const out = path.join(REPO, 'tests', 'estate', 'plans');
  await mkdir(out, { recursive: true });
  for (const name of cases) {
    await writeFile(path.join(out, `${name}.plan.json`), `${JSON.stringify(plans.get(name))}\n`);
  }
  console.log(
    `estate-plans: ${cases.length} plan(s) written to ${path.relative(REPO, out)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await moto.stop();
  await rm(work, { recursive: true, force: true });
}
