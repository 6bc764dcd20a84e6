// The examples of docs/ (a plugin, an audit sink, an organisation's policy), run for real: the
// built `tfo` over a small offline deployments repo (terraform_data, no cloud), each through the
// example's own config where its effect does not depend on the clock.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { byKey, REPO, tempDir, tfo, tfoJson, type JsonResult } from '../packages/cli/test/support.js';
import { readEncryptedTrail } from '../docs/examples/audit-sink/encrypted-file-sink.js';
import { maintenanceWindow } from '../docs/examples/plugin/maintenance-window.js';

const EXAMPLES = path.join(REPO, 'docs/examples');
const ASSETS = 's3/acme-dev/us-east-1/app-assets/terraform.tfstate';
const SCRATCH = 's3/acme-dev/us-east-1/scratch/terraform.tfstate';
const BACKUPS = 's3/acme-prod/us-east-1/db-backups/terraform.tfstate';
type Finding = { ruleId: string; level: string; resource?: string; source: string };
const findingsOf = (result: JsonResult, key: string): Finding[] =>
  (byKey(result, key) as unknown as { findings: Finding[] }).findings;

let dir: string;

beforeAll(async () => {
  dir = await tempDir('tfo-docs-examples-');
  const offline = path.join(REPO, 'examples/offline');
  await cp(path.join(offline, 'modules'), path.join(dir, 'modules'), { recursive: true });
  for (const rel of ['dev-deployment/S3/app-assets', 'prod-deployment/S3/db-backups']) {
    await cp(path.join(offline, 'deployments', rel), path.join(dir, 'deployments', rel), { recursive: true });
  }
  // a dev deployment whose bucket is named outside the convention of the example policy
  const assets = await readFile(path.join(dir, 'deployments/dev-deployment/S3/app-assets/app-assets.tfvars'), 'utf8');
  await mkdir(path.join(dir, 'deployments/dev-deployment/S3/scratch'), { recursive: true });
  await writeFile(
    path.join(dir, 'deployments/dev-deployment/S3/scratch/scratch.tfvars'),
    assets.replace('"acme-dev-app-assets-use1"', '"scratch-assets-use1"'),
  );
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  // the example configs, used as they are: each config's folder is the deployments repo
  for (const name of ['plugin', 'audit-sink', 'policy']) {
    const from = JSON.stringify(path.join(EXAMPLES, name, 'orchestrator.config.ts'));
    await writeFile(path.join(dir, `${name}.config.ts`), `export { default } from ${from};\n`);
  }
  await mkdir(path.join(dir, 'policy'));
  await symlink(path.join(EXAMPLES, 'policy/acme'), path.join(dir, 'policy/acme'));
});

describe('the examples of docs/', () => {
  it('every example file stays under 40 lines, as the docs promise', async () => {
    const files = [
      'plugin/maintenance-window.ts',
      'audit-sink/encrypted-file-sink.ts',
      'policy/acme/naming/naming.rego',
      'policy/acme/naming/naming_test.rego',
    ];
    for (const file of files) {
      const lines = (await readFile(path.join(EXAMPLES, file), 'utf8')).trimEnd().split('\n').length;
      expect(lines, file).toBeLessThan(40);
    }
    // the docs show each example as it is, not a copy that drifts
    const shown = new Set<string>();
    for (const doc of ['writing-a-plugin.md', 'audit-sink.md', 'organisation-policy.md']) {
      const text = await readFile(path.join(REPO, 'docs', doc), 'utf8');
      for (const [, file, code] of text.matchAll(/<!-- example: (\S+) -->\n\n```\w+\n([\s\S]*?)```\n/g)) {
        expect(code, `${doc}: ${file}`).toBe(await readFile(path.join(REPO, 'docs', file!), 'utf8'));
        shown.add(file!.replace(/^examples\//, ''));
      }
    }
    expect([...shown].sort()).toEqual(
      [
        ...files,
        'plugin/orchestrator.config.ts',
        'audit-sink/orchestrator.config.ts',
        'policy/orchestrator.config.ts',
      ].sort(),
    );
  });

  it('the maintenance window blocks prod applies outside it, warns on plans, and lets applies in inside it', async () => {
    expect(() => maintenanceWindow({ accounts: ['prod'], startHour: 25, endHour: 4 })).toThrow(/startHour/);
    const hour = new Date().getUTCHours();
    const windowConfig = async (startHour: number, endHour: number): Promise<string> => {
      const plugin = JSON.stringify(path.join(EXAMPLES, 'plugin/maintenance-window.ts'));
      const text = `import { maintenanceWindow } from ${plugin};
import base from ${JSON.stringify(path.join(EXAMPLES, 'plugin/orchestrator.config.ts'))};
export default { ...base, plugins: [maintenanceWindow({ accounts: ['prod'], startHour: ${startHour}, endHour: ${endHour} })] };
`;
      const file = `window-${startHour}-${endHour}.config.ts`;
      await writeFile(path.join(dir, file), text);
      return file;
    };
    // a window that opens two hours from now (it cannot open while the test runs)
    const closed = await windowConfig((hour + 2) % 24, (hour + 3) % 24);
    const plan = await tfoJson(['plan', '--config', closed], dir);
    expect(plan.code, plan.output).toBe(0);
    expect(findingsOf(plan.result, BACKUPS).map((f) => [f.ruleId, f.level])).toEqual([['ACME-WINDOW-001', 'warn']]);
    expect(findingsOf(plan.result, ASSETS)).toEqual([]);

    const blocked = await tfoJson(['apply', '--config', closed], dir);
    expect(blocked.code, blocked.output).toBe(2);
    expect(byKey(blocked.result, BACKUPS).status).toBe('blocked');
    expect(findingsOf(blocked.result, BACKUPS)).toMatchObject([
      { ruleId: 'ACME-WINDOW-001', level: 'deny', source: 'acme:maintenance-window' },
    ]);
    expect(byKey(blocked.result, ASSETS).status).toBe('applied'); // dev is not gated
    expect(existsSync(path.join(dir, '.tfo/state', BACKUPS))).toBe(false);

    // a window open since an hour ago (wrapping midnight when it must)
    const open = await windowConfig((hour + 23) % 24, (hour + 2) % 24);
    const applied = await tfoJson(['apply', '--config', open], dir);
    expect(applied.code, applied.output).toBe(0);
    expect(byKey(applied.result, BACKUPS).status).toBe('applied');
    expect(findingsOf(applied.result, BACKUPS)).toEqual([]);
  });

  it('the encrypted sink stores every record, decryptable with the key only, and fails the run closed without it', async () => {
    const key = randomBytes(32);
    const env = { ACME_AUDIT_KEY: key.toString('base64') };
    const archive = path.join(dir, 'audit-archive/records.jsonl');

    const refused = await tfo(['plan', '--json', '--config', 'audit-sink.config.ts'], dir, { ACME_AUDIT_KEY: '' });
    expect(refused.exitCode, refused.all).toBe(1);
    expect(refused.all).toMatch(/TFO_ERR_AUDIT.*starts nothing.*sink encrypted-file: ACME_AUDIT_KEY must hold/);
    expect(existsSync(archive)).toBe(false);

    const run = await tfoJson(['plan', '--config', 'audit-sink.config.ts'], dir, env);
    expect(run.code, run.output).toBe(0);
    const entries = await readEncryptedTrail(archive, key);
    expect(entries.map((e) => e.deployment.key).sort()).toEqual([BACKUPS, ASSETS, SCRATCH].sort());
    expect(entries.every((e) => e.action === 'plan' && e.runId === run.result.run.id)).toBe(true);
    // the same entries as the file sink's chained records, full terraform output included
    const day = (await readdir(path.join(dir, '.tfo/audit'))).filter((f) => f.endsWith('.jsonl'));
    const chained = (await Promise.all(day.map((f) => readFile(path.join(dir, '.tfo/audit', f), 'utf8'))))
      .flatMap((text) => text.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r['runId'] === run.result.run.id);
    for (const entry of entries) {
      const { prev: _p, seq: _s, hash: _h, ...stored } = chained.find((r) => r['id'] === entry.id) ?? {};
      expect(stored).toEqual(JSON.parse(JSON.stringify(entry)));
    }
    expect(entries.some((e) => (e.output ?? '').includes('terraform_data'))).toBe(true);
    const raw = await readFile(archive, 'utf8');
    expect(raw).not.toContain('terraform_data'); // encrypted at rest

    await expect(readEncryptedTrail(archive, randomBytes(32))).rejects.toThrow(); // another key
    const lines = raw.split('\n');
    const [iv, tag, data] = lines[0]!.split('.');
    const flipped = Buffer.from(data!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    await writeFile(archive, [[iv, tag, flipped.toString('base64')].join('.'), ...lines.slice(1)].join('\n'));
    await expect(readEncryptedTrail(archive, key)).rejects.toThrow(); // a changed record
  });

  it("the organisation's rule compiles beside the first-party policies, passes its tests and blocks the misnamed bucket", async () => {
    const opaEnv = { TFO_OPA: process.env['TFO_OPA'] ?? path.join(REPO, '.tools/bin/opa') };
    const passed = async (...args: string[]): Promise<number> => {
      const out = await tfo(['policy', 'test', '--config', 'policy.config.ts', ...args], dir, opaEnv);
      expect(out.exitCode, out.all).toBe(0);
      const [, pass, total] = /PASS: (\d+)\/(\d+)/.exec(out.stdout) ?? [];
      expect(pass, out.stdout).toBe(total);
      return Number(total);
    };
    // `tfo policy test` runs the rule's own tests with the first-party ones: two more
    expect(await passed()).toBe((await passed('--policies', path.join(REPO, 'packages/plugin-opa/policies'))) + 2);

    const plan = await tfoJson(['plan', '--config', 'policy.config.ts'], dir, opaEnv);
    expect(plan.code, plan.output).toBe(2);
    expect(byKey(plan.result, SCRATCH).status).toBe('blocked');
    const denied = findingsOf(plan.result, SCRATCH).filter((f) => f.level === 'deny');
    expect(denied.map((f) => [f.ruleId, f.resource])).toEqual([['ACME-NAME-001', 'var.s3_buckets["assets"]']]);
    for (const key of [ASSETS, BACKUPS]) {
      expect(byKey(plan.result, key).status, key).not.toBe('blocked');
      expect(findingsOf(plan.result, key).map((f) => f.ruleId)).not.toContain('ACME-NAME-001');
    }

    // the waiver of docs/organisation-policy.md lets it through, marked waived
    const waiver = {
      rule: 'ACME-NAME-001',
      resource: 'var.s3_buckets["assets"]',
      file: 'deployments/dev-deployment/S3/scratch/*',
      reason: 'legacy scratch bucket, renamed with the Q3 data migration',
      expires: '2099-09-30',
      approver: 'platform@acme.example',
    };
    const waived = `import { FIRST_PARTY, opa } from '@tfo/plugin-opa';
import base from './policy.config.ts';
export default { ...base, plugins: [opa({ policies: [FIRST_PARTY, 'policy/acme'], waivers: [${JSON.stringify(waiver)}] })] };
`;
    await writeFile(path.join(dir, 'waived.config.ts'), waived);
    const waivedRun = await tfoJson(['plan', '--config', 'waived.config.ts'], dir, opaEnv);
    expect(waivedRun.code, waivedRun.output).toBe(0);
    expect(byKey(waivedRun.result, SCRATCH).status).not.toBe('blocked');
    expect(findingsOf(waivedRun.result, SCRATCH).filter((f) => f.ruleId === 'ACME-NAME-001')).toMatchObject([
      { level: 'deny', waived: { expires: '2099-09-30' } },
    ]);
  });
});
