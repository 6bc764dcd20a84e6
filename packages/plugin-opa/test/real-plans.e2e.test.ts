// The policy gate on plans that terraform itself produces now: every fixture configuration under
// tests/policy-fixtures/<service>/<case>/ that plans from nothing (no apply step) is planned with
// the real hashicorp/aws provider against a moto server on 127.0.0.1, evaluated through the
// engine's worker pool with the first-party policies, and must give exactly the findings of its
// committed fixture (policies/<service>/testdata/<case>.plan.json, which the Rego unit tests pin
// rule by rule). Compliant cases must have no deny of their own service; violating ones must.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings, resolveTerraformBinary } from '@tfo/engine/testing';
import { Engine, type PlanJson } from '@tfo/engine';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { MOTO_PROVIDER, PROVIDER_MIRROR, terraformEnv } from '../../../scripts/lib/terraform-moto.mjs';
import { SERVICES } from './services.js';
import { evaluatePlan, resolvePolicy, toFindings, type CompiledPolicy } from '../src/index.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const FIXTURES = path.join(REPO, 'tests/policy-fixtures');
const MIRROR = PROVIDER_MIRROR;

interface Case {
  service: string;
  name: string;
  dir: string;
  fixture: string;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  if (!existsSync(FIXTURES)) return out;
  for (const service of (await readdir(FIXTURES, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    for (const c of (await readdir(path.join(FIXTURES, service.name), { withFileTypes: true })).filter((e) =>
      e.isDirectory(),
    )) {
      const dir = path.join(FIXTURES, service.name, c.name);
      const fixture = path.join(REPO, 'packages/plugin-opa/policies', service.name, 'testdata', `${c.name}.plan.json`);
      // cases that change applied infrastructure (apply.tfvars or a before/ configuration) need an
      // apply first: their committed fixtures are pinned by the Rego tests alone
      const planned =
        existsSync(path.join(dir, 'main.tf')) &&
        !existsSync(path.join(dir, 'apply.tfvars')) &&
        !existsSync(path.join(dir, 'before'));
      if (planned && existsSync(fixture)) out.push({ service: service.name, name: c.name, dir, fixture });
    }
  }
  return out;
}

let moto: MotoServer;
let engine: Engine;
let policy: CompiledPolicy;
let work: string;
let env: Record<string, string>;
const all = await cases();

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tfo-policy-e2e-'));
  moto = await startMoto();
  env = await terraformEnv({ work, endpoint: moto.endpoint, mirror: MIRROR });
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
  engine = new Engine(resolveSettings(config, work), []);
  policy = await resolvePolicy(
    [path.join(REPO, 'packages/plugin-opa/policies')],
    path.join(work, 'policy-cache'),
    REPO,
  );
});

afterAll(async () => {
  await engine?.close();
  await moto?.stop();
});

/** `terraform show -json` of a fresh plan of a case, against moto. */
async function planCase(c: Case): Promise<PlanJson> {
  const dir = path.join(work, c.service, c.name);
  await cp(c.dir, dir, { recursive: true });
  const declared = (await readdir(dir)).filter((f) => f.endsWith('.tf'));
  let hasProvider = false;
  for (const f of declared)
    if ((await readFile(path.join(dir, f), 'utf8')).includes('provider "aws"')) hasProvider = true;
  if (!hasProvider) await writeFile(path.join(dir, 'provider.tf'), MOTO_PROVIDER);
  const tf = resolveTerraformBinary('auto', REPO);
  const run = (args: string[]) => execa(tf, args, { cwd: dir, env });
  await run(['init', '-input=false', '-no-color']);
  const varFile = existsSync(path.join(dir, 'plan.tfvars')) ? ['-var-file=plan.tfvars'] : [];
  await run(['plan', '-input=false', '-no-color', '-out=p.tfplan', ...varFile]);
  return JSON.parse((await run(['show', '-json', 'p.tfplan'])).stdout) as PlanJson;
}

async function findingsOf(plan: PlanJson, file: string): Promise<string[]> {
  const result = await evaluatePlan(engine, policy, plan, file, { data: {}, maxMemoryMiB: 256 });
  // every rule, whatever its profile: the fresh plan must match the committed fixture in full
  return toFindings(result, file, 'deny', { profile: 'strict' }).map(
    (f) => `${f.level} ${f.ruleId} ${f.resource ?? ''}`,
  );
}

describe('first-party policies on plans terraform produces against moto', () => {
  it('has cases for every service folder', () => {
    const services = new Set(all.map((c) => c.service));
    for (const s of SERVICES) {
      expect(services.has(s), s).toBe(true);
    }
  });

  it.each(all.map((c) => [`${c.service}/${c.name}`, c] as const))('%s', async (_label, c) => {
    const fresh = await findingsOf(await planCase(c), c.fixture);
    const committed = await findingsOf(JSON.parse(await readFile(c.fixture, 'utf8')) as PlanJson, c.fixture);
    expect(fresh).toEqual(committed);
    const own = fresh.filter((f) => f.startsWith(`deny TFO-${c.service.toUpperCase()}-`));
    if (c.name === 'compliant') expect(own).toEqual([]);
    if (/violat|noncompliant|public/.test(c.name)) expect(own.length).toBeGreaterThan(0);
  });
});
