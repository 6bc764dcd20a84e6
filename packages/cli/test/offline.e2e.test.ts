import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, byKey, offlineRepo, offlineRepoWithPolicies, readState, tfoJson } from './support.js';

const FAILING = 'lambda/acme-stage/us-east-1/orders-api/terraform.tfstate';
const RESIZER_FILE = 'deployments/dev-deployment/Lambda/image-resizer/image-resizer.tfvars';
const RESIZER = 'lambda/acme-dev/eu-west-1/image-resizer/terraform.tfstate';

describe('tfo apply on examples/offline with real terraform', () => {
  it('applies in parallel, recovers the failing deployment, and a second run changes nothing', async () => {
    const dir = await offlineRepo();
    const first = await tfoJson(['apply', '--max-workers', '4'], dir);
    expect(first.code).toBe(1);
    const statuses = first.result.deployments.map((d) => d.status);
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(first.result.deployments.length - 1);
    const failing = byKey(first.result, FAILING);
    expect(failing.status).toBe('recovered');
    expect(failing.error?.stage).toBe('apply');
    expect(failing.recovery).toMatchObject({ action: 'destroy-created', ok: true });
    // the rolled-back first deployment holds nothing
    expect((await readState(dir, FAILING)).resources).toEqual([]);

    for (const d of first.result.deployments.filter((x) => x.status === 'applied')) {
      const state = await readState(dir, d.key);
      expect(d.key).toMatch(
        /^(s3|kms|iam|lambda|combined)\/acme-(dev|stage|prod)\/(us-east-1|eu-west-1)\/[\w-]+\/terraform\.tfstate$/,
      );
      expect(state.resources.length).toBeGreaterThan(0);
    }
    expect(byKey(first.result, 'combined/acme-dev/eu-west-1/data-lake/terraform.tfstate').status).toBe('applied');
    // ran in parallel: some apply windows overlap
    const windows = first.result.deployments
      .map((d) => d.timings.find((t) => t.stage === 'plan'))
      .filter((t): t is { stage: string; startedAt: number; endedAt: number } => Boolean(t?.endedAt));
    const overlaps = windows.some((a, i) =>
      windows.some((b, j) => i !== j && a.startedAt < b.endedAt && b.startedAt < a.endedAt),
    );
    expect(overlaps).toBe(true);
    expect(new Set(first.result.deployments.map((d) => d.lane)).size).toBeGreaterThan(1);

    const second = await tfoJson(['apply'], dir);
    for (const d of second.result.deployments) {
      if (d.key === FAILING) expect(d.status).toBe('recovered');
      else expect(d.status, d.key).toBe('no-changes');
    }
    // history and logs
    expect(existsSync(path.join(second.result.run.dir, 'result.json'))).toBe(true);
  });

  it('recovers a partial apply by re-applying the last good inputs, leaving state that matches them', async () => {
    const dir = await offlineRepo();
    const good = await tfoJson(['apply', '--only', '**/image-resizer/**'], dir);
    expect(good.code).toBe(0);
    expect(byKey(good.result, RESIZER).status).toBe('applied');
    const goodState = await readState(dir, RESIZER);

    const file = path.join(dir, RESIZER_FILE);
    const original = await readFile(file, 'utf8');
    // a second function that is created and then fails in its provisioner: a partial apply
    const broken = original.replace(
      /lambda_functions = \{/,
      'lambda_functions = {\n  "thumbnail-audit" = {\n    runtime = "python3.12"\n    handler = "app.handler"\n    simulate_apply_failure = true\n    tags = { Owner = "media", Team = "media", Environment = "dev", CostCenter = "CC-2210" }\n  }',
    );
    expect(broken).not.toBe(original);
    await writeFile(file, broken);
    const bad = await tfoJson(['apply', '--only', '**/image-resizer/**'], dir);
    expect(bad.code).toBe(1);
    const d = byKey(bad.result, RESIZER);
    expect(d.status).toBe('recovered');
    expect(d.recovery).toMatchObject({ action: 'reapply-last-good', ok: true });
    const after = await readState(dir, RESIZER);
    expect(after.lineage).toBe(goodState.lineage);

    // the last good inputs plan clean against the recovered state
    await writeFile(file, original);
    const check = await tfoJson(['plan', '--only', '**/image-resizer/**'], dir);
    expect(check.code).toBe(0);
    expect(byKey(check.result, RESIZER).status).toBe('no-changes');
  });

  it('plan applies nothing and list shows the keys', async () => {
    const dir = await offlineRepo();
    const plan = await tfoJson(['plan'], dir);
    expect(plan.code).toBe(0);
    expect(plan.result.deployments.every((d) => d.status === 'planned')).toBe(true);
    expect(existsSync(path.join(dir, '.tfo/state', FAILING))).toBe(false);
    const list = await execa('node', [BIN, 'list', '--json'], { cwd: dir, reject: false });
    const rows = (JSON.parse(list.stdout) as { deployments: Array<{ key: string }> }).deployments;
    expect(rows.map((r) => r.key)).toContain(FAILING);
  });

  it('the policy gate blocks the public marketing site with readable findings, and applies nothing of it', async () => {
    const dir = await offlineRepoWithPolicies();
    const { code, result } = await tfoJson(['apply', '--config', 'orchestrator.config.ts', '--only', '**/S3/**'], dir);
    const site = byKey(result, 's3/acme-stage/us-east-1/marketing-site/terraform.tfstate');
    expect(site.status).toBe('blocked');
    const denied = (
      site as unknown as { findings: Array<{ ruleId: string; level: string; title: string; remediation?: string }> }
    ).findings.filter((f) => f.level === 'deny');
    expect(denied.map((f) => f.ruleId).sort()).toEqual(['TFO-GOLDEN-003', 'TFO-GOLDEN-004']);
    expect(denied.every((f) => f.title.length > 0 && (f.remediation ?? '').length > 0)).toBe(true);
    expect(existsSync(path.join(dir, '.tfo/state', site.key))).toBe(false);
    for (const d of result.deployments.filter((x) => x !== site)) expect(d.status, d.key).toBe('applied');
    expect(code).toBe(2);
    expect(existsSync(path.join(result.run.dir, 'policy.sarif'))).toBe(true);

    // the output contract: every policy finding carries unknown, profile and a fingerprint, in
    // --json and in the run's result.json alike, and SARIF results carry the same fingerprints
    type Contract = { source: string; unknown?: unknown; profile?: unknown; fingerprint?: string };
    const opaFindings = (r: typeof result): Contract[] =>
      r.deployments
        .flatMap((d) => (d as unknown as { findings: Contract[] }).findings)
        .filter((f) => f.source === 'opa');
    const shown = opaFindings(result);
    expect(shown.length).toBeGreaterThan(0);
    for (const f of shown) {
      expect(typeof f.unknown).toBe('boolean');
      expect(f.profile).toBe('baseline');
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    const saved = JSON.parse(await readFile(path.join(result.run.dir, 'result.json'), 'utf8')) as typeof result;
    expect(opaFindings(saved)).toEqual(shown);
    const sarif = JSON.parse(await readFile(path.join(result.run.dir, 'policy.sarif'), 'utf8')) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ properties: Record<string, unknown> }> } };
        results: Array<{ partialFingerprints: Record<string, string>; locations: unknown[] }>;
      }>;
    };
    expect(sarif.runs[0]!.results.map((r) => r.partialFingerprints['tfoFinding/v1']).sort()).toEqual(
      shown.map((f) => f.fingerprint).sort(),
    );
    for (const rule of sarif.runs[0]!.tool.driver.rules)
      expect(rule.properties['security-severity']).toMatch(/^\d+\.\d$/);
  });
});
