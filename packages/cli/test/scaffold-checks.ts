import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { JsonResult } from './support.js';

/** What `tfo init` writes (besides package.json, which it creates or completes). */
export const SCAFFOLD_FILES = [
  '.github/workflows/tfo.yml',
  '.gitignore',
  'deployments/README.md',
  'deployments/dev/KMS/app-keys/app-keys.tfvars',
  'deployments/dev/S3/app-assets/app-assets.tfvars',
  'deployments/prod/IAM/deploy-roles/deploy-roles.tfvars',
  'deployments/prod/Lambda/orders-api/orders-api.tfvars',
  'modules/root/main.tf',
  'modules/root/outputs.tf',
  'modules/root/variables.tf',
  'modules/root/versions.tf',
  'orchestrator.config.ts',
];

/** The scaffold's deployments: one per service. */
export const SCAFFOLD_KEYS = [
  'iam/example-prod/us-east-1/deploy-roles/terraform.tfstate',
  'kms/example-dev/eu-west-1/app-keys/terraform.tfstate',
  'lambda/example-prod/us-east-1/orders-api/terraform.tfstate',
  's3/example-dev/us-east-1/app-assets/terraform.tfstate',
];

/** A tfvars that the first-party golden-template policy TFO-GOLDEN-003 denies (no public access block). */
const PUBLIC_BUCKET = `account_key = "dev"
region_code = "use1"
s3_buckets = {
  "site" = {
    bucket_name  = "example-dev-public-site"
    block_public = false
    tags = { Owner = "web@example.com", Team = "web", Environment = "dev", CostCenter = "CC-1000" }
  }
}
`;

/** Runs tfo in the scaffolded folder: exit code and the two streams. */
export type RunTfo = (args: string[]) => Promise<{ code: number; stdout: string; all: string }>;

async function runJson(tfo: RunTfo, args: string[]): Promise<{ code: number; result: JsonResult; all: string }> {
  const out = await tfo([...args, '--json']);
  try {
    return { code: out.code, result: JSON.parse(out.stdout) as JsonResult, all: out.all };
  } catch {
    throw new Error(`tfo ${args.join(' ')} printed no JSON (exit ${out.code}):\n${out.all}`);
  }
}

type Deployments = JsonResult['deployments'];
const keysOf = (ds: Deployments): string[] => ds.map((d) => d.key).sort();
const statusesOf = (ds: Deployments): string[] => [...new Set(ds.map((d) => d.status))];

/**
 * The scaffold as a new user runs it: plan (changes pending: exit 2 with --detailed-exitcode, the
 * policy gate run on each), a policy block by the first-party policies, apply, a clean plan, the
 * audit trail verified and the HTML report in the run folder.
 */
export async function exerciseScaffold(dir: string, tfo: RunTfo): Promise<void> {
  const plan = await runJson(tfo, ['plan', '--detailed-exitcode']);
  expect(plan.code, plan.all).toBe(2);
  expect(keysOf(plan.result.deployments)).toEqual(SCAFFOLD_KEYS);
  expect(statusesOf(plan.result.deployments)).toEqual(['planned']);
  for (const d of plan.result.deployments) expect(d.timings.map((t) => t.stage)).toContain('validate');
  // the policy gate wrote its SARIF: the opa plugin ran on the report hook of this run
  expect(existsSync(path.join(plan.result.run.dir, 'policy.sarif'))).toBe(true);

  // a public bucket is blocked by a first-party rule (shipped in @tfo/plugin-opa), before any apply
  const bad = path.join(dir, 'deployments/dev/S3/public-site/public-site.tfvars');
  await mkdir(path.dirname(bad));
  await writeFile(bad, PUBLIC_BUCKET);
  const blocked = await runJson(tfo, ['plan', '--only', '**/public-site.tfvars']);
  await rm(path.dirname(bad), { recursive: true });
  expect(blocked.code, blocked.all).toBe(2);
  expect(blocked.result.deployments.map((d) => [d.key, d.status])).toEqual([
    ['s3/example-dev/us-east-1/public-site/terraform.tfstate', 'blocked'],
  ]);
  const findings = (blocked.result.deployments[0] as unknown as { findings: Array<Record<string, unknown>> }).findings;
  expect(findings).toContainEqual(expect.objectContaining({ ruleId: 'TFO-GOLDEN-003', level: 'deny', source: 'opa' }));

  const apply = await runJson(tfo, ['apply']);
  expect(apply.code, apply.all).toBe(0);
  expect(keysOf(apply.result.deployments)).toEqual(SCAFFOLD_KEYS);
  expect(statusesOf(apply.result.deployments)).toEqual(['applied']);
  for (const key of SCAFFOLD_KEYS) expect(existsSync(path.join(dir, '.tfo/state', key))).toBe(true);
  const html = await readFile(path.join(apply.result.run.dir, 'report.html'), 'utf8');
  for (const key of SCAFFOLD_KEYS) expect(html).toContain(key);

  const again = await tfo(['plan', '--detailed-exitcode']);
  expect(again.code, again.all).toBe(0);

  const verify = await tfo(['audit', 'verify']);
  expect(verify.code, verify.all).toBe(0);
  // one record per deployment of each run: plan (4), the blocked plan (1), apply (4), plan (4)
  expect(verify.stdout).toMatch(/^audit trail intact: 13 record\(s\) in 1 file\(s\)/m);
}
