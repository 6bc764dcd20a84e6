// Precision and recall of the policy gate against the expectations files: every
// tests/estate/plans/*.expect.json (the real-module estate) and tests/expectations/**/*.expect.json
// (the existing fixtures). Each names a committed plan; the plan is evaluated with the first-party
// policies through the engine's worker pool in the baseline profile, and its findings are scored
// (precision-metrics.ts). Prints the table; asserts recall 100%, precision >= 95% overall, no deny
// on a secure plan and no `absent` finding reported.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, type Finding, type PlanJson } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatePlan, resolvePolicy, toFindings, type CompiledPolicy } from '../src/index.js';
import {
  expectationsSchema,
  falsePositivesByRule,
  formatReport,
  lintExpectations,
  scoreFile,
  totals,
  type Expectations,
  type FileScore,
} from './precision-metrics.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const ROOTS = [path.join(REPO, 'tests/estate/plans'), path.join(REPO, 'tests/expectations')];
const PRECISION_MIN = 0.95;

// toFindings takes the profile as a 4th argument once profiles exist; until then the extra
// argument is ignored and every rule's findings are returned.
type ToFindingsWithOptions = (
  result: Parameters<typeof toFindings>[0],
  file: string,
  failOn: 'deny' | 'warn',
  options?: { profile?: 'baseline' | 'strict' },
) => Finding[];
const findingsIn = toFindings as unknown as ToFindingsWithOptions;

async function expectationFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await expectationFiles(p)));
    else if (e.name.endsWith('.expect.json')) out.push(p);
  }
  return out.sort();
}

interface Loaded {
  file: string;
  expectations: Expectations;
}

const files = (await Promise.all(ROOTS.map(expectationFiles))).flat();
let work: string;
let engine: Engine;
let policy: CompiledPolicy;
const loaded: Loaded[] = [];
const problems: string[] = [];
const scores: FileScore[] = [];
const knownIds = new Set<string>();

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'tfo-precision-'));
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
  engine = new Engine(resolveSettings(config, work), []);
  policy = await resolvePolicy(
    [path.join(REPO, 'packages/plugin-opa/policies')],
    path.join(work, 'policy-cache'),
    REPO,
  );
  for (const file of files) {
    const rel = path.relative(REPO, file);
    const parsed = expectationsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) {
      problems.push(`${rel}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      continue;
    }
    const e = parsed.data;
    problems.push(...lintExpectations(e).map((p) => `${rel}: ${p}`));
    const planFile = path.join(REPO, e.plan);
    if (!existsSync(planFile)) {
      problems.push(`${rel}: plan ${e.plan} does not exist`);
      continue;
    }
    loaded.push({ file: rel, expectations: e });
    const plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanJson;
    const result = await evaluatePlan(engine, policy, plan, e.plan, { data: {}, maxMemoryMiB: 256 });
    for (const id of Object.keys(result.metadata)) knownIds.add(id);
    const reported = findingsIn(result, e.plan, 'deny', { profile: 'baseline' });
    scores.push(scoreFile(e, reported));
  }
  const byRule = falsePositivesByRule(scores)
    .map(([id, n]) => `  ${id}: ${n}`)
    .join('\n');
  console.log(`${formatReport(scores)}\n\nfalse positives by rule:\n${byRule || '  (none)'}\n`);
}, 300_000);

afterAll(async () => {
  await engine?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('policy gate precision and recall against the expectations files', () => {
  it('has well-formed expectations files naming existing plans and known rules', () => {
    expect(files.length, `no *.expect.json under ${ROOTS.join(' or ')}`).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    const unknownIds = loaded.flatMap(({ file, expectations: e }) =>
      [...e.report, ...e.absent].filter((r) => !knownIds.has(r.id)).map((r) => `${file}: ${r.id}`),
    );
    expect(unknownIds).toEqual([]);
  });

  it('reports every expected finding (recall 100%)', () => {
    const misses = scores.flatMap((s) => s.misses.map((m) => `${s.plan}: ${m.level} ${m.id} ${m.resource}`));
    expect(misses).toEqual([]);
    expect(totals(scores).recall).toBe(1);
  });

  it(`reports few unexpected findings (precision >= ${PRECISION_MIN * 100}%)`, () => {
    const t = totals(scores);
    expect(t.precision, `${t.matched}/${t.reported} reported findings are expected`).toBeGreaterThanOrEqual(
      PRECISION_MIN,
    );
  });

  it('blocks no plan marked secure', () => {
    const denies = scores.flatMap((s) => s.secureDenies.map((f) => `${s.plan}: ${f.ruleId} ${f.resource ?? ''}`));
    expect(denies).toEqual([]);
  });

  it('reports none of the known traps (absent entries)', () => {
    const hits = scores.flatMap((s) =>
      s.absentReported.map((f) => `${s.plan}: ${f.level} ${f.ruleId} ${f.resource ?? ''}`),
    );
    expect(hits).toEqual([]);
  });
});
