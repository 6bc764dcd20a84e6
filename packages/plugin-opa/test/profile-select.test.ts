// The profile is applied twice: inside the policies (`data.tfo_select`, so the rules a profile
// leaves out do not run: `lib.on` guards every rule body) and by toFindings afterwards. On every
// committed plan (policy fixtures and the real-module estate), what the plugin reports with the
// selection inside the policies must be exactly what it reports when every rule runs and only
// toFindings selects: for the baseline and strict profiles and with per-rule overrides.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, type PlanJson } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePlan, resolvePolicy, toFindings, type CompiledPolicy } from '../src/index.js';
import type { SelectOptions } from '../src/finding-contract.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

async function plans(): Promise<string[]> {
  const out: string[] = [];
  for (const svc of await readdir(path.join(REPO, 'packages/plugin-opa/policies'), { withFileTypes: true })) {
    if (!svc.isDirectory()) continue;
    const dir = path.join(REPO, 'packages/plugin-opa/policies', svc.name, 'testdata');
    const names = await readdir(dir).catch(() => [] as string[]);
    out.push(...names.filter((n) => n.endsWith('.plan.json')).map((n) => path.join(dir, n)));
  }
  const estate = path.join(REPO, 'tests/estate/plans');
  out.push(...(await readdir(estate)).filter((n) => n.endsWith('.plan.json')).map((n) => path.join(estate, n)));
  return out.sort();
}

const SELECTIONS: Array<[string, SelectOptions]> = [
  ['baseline', { profile: 'baseline' }],
  ['strict', { profile: 'strict' }],
  [
    'baseline with overrides',
    {
      profile: 'baseline',
      rules: {
        'TFO-SQS-005': { profile: 'baseline' }, // a strict rule brought in
        'TFO-CLOUDWATCH-001': { profile: 'baseline' }, // a rule with an advisory branch
        'TFO-S3-001': { profile: 'off' },
        'TFO-KMS-002': { profile: 'strict' },
        'TFO-VPC-001': { level: 'warn' },
      },
    },
  ],
];

let work: string;
let engine: Engine;
let policy: CompiledPolicy;
let files: string[];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tfo-profile-select-'));
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
  engine = new Engine(resolveSettings(config, work), []);
  policy = await resolvePolicy([path.join(REPO, 'packages/plugin-opa/policies')], path.join(work, 'cache'), REPO);
  files = await plans();
}, 120_000);

afterAll(async () => {
  await engine?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('profile selection inside the policies', () => {
  it.each(SELECTIONS)(
    '%s: reports what selecting after a full evaluation reports, on every committed plan',
    async (_, select) => {
      expect(files.length).toBeGreaterThan(80);
      let reported = 0;
      for (const file of files) {
        const plan = JSON.parse(await readFile(file, 'utf8')) as PlanJson;
        const rel = path.relative(REPO, file);
        const all = await evaluatePlan(engine, policy, plan, rel, { data: {}, maxMemoryMiB: 512 });
        const selected = await evaluatePlan(engine, policy, plan, rel, { data: {}, maxMemoryMiB: 512, ...select });
        const expected = toFindings(all, rel, 'deny', select);
        expect(toFindings(selected, rel, 'deny', select), rel).toEqual(expected);
        // the selection really leaves rules out: never more raw findings than a full evaluation
        expect(selected.deny.length + selected.warn.length).toBeLessThanOrEqual(all.deny.length + all.warn.length);
        reported += expected.length;
      }
      expect(reported).toBeGreaterThan(0);
    },
    120_000,
  );
});
