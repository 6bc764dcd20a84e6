// The real-module estate (tests/estate/<case>/, deployments over the public corpus modules) is
// re-planned with terraform against a moto server, and each fresh plan must give exactly the
// findings of its committed plan (tests/estate/plans/<case>.plan.json), which precision.test.ts
// scores against the expectations. Catches committed plans that no longer match their
// configuration, the corpus or the provider.
//
// Needs the corpus ($TFO_CORPUS, else a shared/corpus folder above the repository): without it the
// file fails, saying where the corpus is looked for.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings, resolveTerraformBinary } from '@tfo/engine/testing';
import { Engine, type PlanJson } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estateCases, planEstate, requireCorpus } from '../../../scripts/lib/estate.mjs';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { evaluatePlan, resolvePolicy, toFindings, type CompiledPolicy } from '../src/index.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const PLANS = path.join(REPO, 'tests/estate/plans');
const corpus = requireCorpus(REPO);
const cases = await estateCases(REPO);

let moto: MotoServer | undefined;
let engine: Engine | undefined;
let policy: CompiledPolicy;
let work: string | undefined;
let fresh = new Map<string, Record<string, unknown>>();

async function findingsOf(plan: PlanJson, file: string): Promise<string[]> {
  const result = await evaluatePlan(engine!, policy, plan, file, { data: {}, maxMemoryMiB: 256 });
  return toFindings(result, file, 'deny').map((f) => `${f.level} ${f.ruleId} ${f.resource ?? ''}: ${f.message}`);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tfo-estate-e2e-'));
  moto = await startMoto();
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
  engine = new Engine(resolveSettings(config, work), []);
  policy = await resolvePolicy(
    [path.join(REPO, 'packages/plugin-opa/policies')],
    path.join(work, 'policy-cache'),
    REPO,
  );
  fresh = await planEstate({
    repo: REPO,
    corpus,
    cases,
    work,
    endpoint: moto.endpoint,
    terraform: resolveTerraformBinary('auto', REPO),
    concurrency: 2,
  });
}, 900_000);

afterAll(async () => {
  await engine?.close();
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('real-module estate re-planned against moto', () => {
  it('has a committed plan and an expectations file for every case, and nothing stale', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
    const committed = (await readdir(PLANS)).filter((f) => f.endsWith('.plan.json')).map((f) => f.slice(0, -10));
    expect(committed.sort()).toEqual(cases);
    for (const c of cases) expect(existsSync(path.join(PLANS, `${c}.expect.json`)), c).toBe(true);
  });

  it.each(cases)('%s: a fresh plan gives the committed plan’s findings', async (c) => {
    const file = path.join(PLANS, `${c}.plan.json`);
    const plan = fresh.get(c);
    expect(plan, `${c} was not planned`).toBeDefined();
    const committed = JSON.parse(await readFile(file, 'utf8')) as PlanJson;
    expect(await findingsOf(plan as unknown as PlanJson, file)).toEqual(await findingsOf(committed, file));
  });
});
