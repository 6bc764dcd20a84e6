// Plan the real-module estate (tests/estate/<case>/) with terraform against a moto server.
//
// Plain ESM so that scripts/estate-plans.mjs (which writes the committed plans) and the e2e test
// (which re-plans and compares) share one way of planning; types are in estate.d.mts.
//
// A case is a folder tests/estate/<case>/ holding main.tf. Its module sources name the public
// corpus with the placeholder `CORPUS/` (e.g. `source = "CORPUS/s3-bucket"`), and local modules
// shared by cases live in tests/estate/modules/ (`source = "../modules/<name>"`). Each case is
// copied to a work folder beside a link named CORPUS to the corpus's modules, the placeholder is
// rewritten to the relative path of that link, and the plan's JSON is written with terraform's
// timestamp fixed (and any absolute path of the corpus or the work folder put back to a
// placeholder), so that the committed plans do not depend on the machine.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

import { MOTO_PROVIDER, PROVIDER_MIRROR, terraformEnv } from './terraform-moto.mjs';

const run = promisify(execFile);

export const PLACEHOLDER = 'CORPUS';
export const FIXED_TIMESTAMP = '2026-01-01T00:00:00Z';
const MODULES = 'terraform-aws-modules';

/**
 * The corpus folder (the one holding terraform-aws-modules/): $TFO_CORPUS, else the first
 * `shared/corpus` folder found going up from `from`; null when there is none.
 */
export function findCorpus(from) {
  const env = process.env.TFO_CORPUS;
  if (env) return existsSync(path.join(env, MODULES)) ? path.resolve(env) : null;
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, 'shared', 'corpus');
    if (existsSync(path.join(candidate, MODULES))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The corpus folder, or an error that says where it is looked for (tests need it: they never skip). */
export function requireCorpus(from) {
  const corpus = findCorpus(from);
  if (corpus) return corpus;
  throw new Error(
    'the public corpus is missing: set TFO_CORPUS to the folder holding terraform-aws-modules/, ' +
      'or put shared/corpus above the repository',
  );
}

/** The estate's folder and its case names (sorted). */
export async function estateCases(repo) {
  const root = path.join(repo, 'tests', 'estate');
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, 'main.tf')))
    .map((e) => e.name)
    .sort();
}

// Sources become relative paths to the work folder's link to the corpus: terraform copies a module
// given by an absolute path, which breaks the corpus's own relative sources (the wrappers' "../").
async function rewriteSources(dir, link) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await rewriteSources(p, link);
    else if (e.name.endsWith('.tf')) {
      const text = await readFile(p, 'utf8');
      const next = text.replaceAll(`"${PLACEHOLDER}/`, `"${path.relative(dir, link)}/`);
      if (next !== text) await writeFile(p, next);
    }
  }
}

const byAddress = (a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

function sortChildModules(mod) {
  if (!mod || !Array.isArray(mod.child_modules)) return;
  mod.child_modules.sort(byAddress);
  for (const child of mod.child_modules) sortChildModules(child);
}

/** The plan's JSON with machine-specific paths put back to the placeholder and a fixed timestamp. */
export function portablePlan(text, { corpusModules, caseDir }) {
  const plan = JSON.parse(text.replaceAll(corpusModules, PLACEHOLDER).replaceAll(caseDir, '.'));
  if ('timestamp' in plan) plan.timestamp = FIXED_TIMESTAMP;
  // terraform lists module instances (for_each over a module) and relevant_attributes in no stable order
  sortChildModules(plan.planned_values?.root_module);
  sortChildModules(plan.prior_state?.values?.root_module);
  if (Array.isArray(plan.relevant_attributes)) {
    const key = (r) => JSON.stringify([r.resource, r.attribute]);
    plan.relevant_attributes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return plan;
}

/**
 * Plan the named cases (at most `concurrency` at once) and return name -> portable plan JSON.
 * @param {{ repo: string, corpus: string, cases: string[], work: string, endpoint: string,
 *   terraform?: string, mirror?: string, concurrency?: number, log?: (line: string) => void }} o
 */
export async function planEstate(o) {
  const terraform = o.terraform ?? process.env.TFO_TERRAFORM ?? 'terraform';
  const mirror = o.mirror ?? PROVIDER_MIRROR;
  const corpusModules = path.join(o.corpus, MODULES);
  const env = await terraformEnv({ work: o.work, endpoint: o.endpoint, mirror });
  const estate = path.join(o.repo, 'tests', 'estate');
  const terraformIn = async (name, dir, args) => {
    try {
      return await run(terraform, args, { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 });
    } catch (err) {
      const detail = [err.stderr, err.stdout].filter(Boolean).join('\n').trim();
      throw new Error(`estate case ${name}: terraform ${args[0]} failed: ${err.message}\n${detail}`);
    }
  };
  const link = path.join(o.work, PLACEHOLDER);
  await symlink(corpusModules, link, 'dir');
  // shared local modules sit beside the cases, as in the repository
  if (existsSync(path.join(estate, 'modules'))) {
    await cp(path.join(estate, 'modules'), path.join(o.work, 'modules'), { recursive: true });
    await rewriteSources(path.join(o.work, 'modules'), link);
  }
  // Phase 1, one case at a time: copy and init. Every init re-links the shared plugin cache's
  // entry, which would pull the provider from under a plan running at the same moment.
  const out = new Map();
  for (const name of o.cases) {
    const dir = path.join(o.work, name);
    await cp(path.join(estate, name), dir, { recursive: true });
    await rewriteSources(dir, link);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.tf'));
    let hasProvider = false;
    for (const f of files)
      if ((await readFile(path.join(dir, f), 'utf8')).includes('provider "aws"')) hasProvider = true;
    if (!hasProvider) await writeFile(path.join(dir, 'provider.tf'), MOTO_PROVIDER);
    await terraformIn(name, dir, ['init', '-input=false', '-no-color']);
  }
  // Phase 2: plan, at most `concurrency` cases at once.
  const queue = [...o.cases];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const started = Date.now();
      const dir = path.join(o.work, name);
      await terraformIn(name, dir, ['plan', '-input=false', '-no-color', '-lock=false', '-out=p.tfplan']);
      const { stdout } = await terraformIn(name, dir, ['show', '-json', 'p.tfplan']);
      out.set(name, portablePlan(stdout, { corpusModules, caseDir: dir }));
      o.log?.(`${name}: planned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 2) }, worker));
  return out;
}
