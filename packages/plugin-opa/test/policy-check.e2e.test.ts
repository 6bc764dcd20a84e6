// `tfo policy check <plan.json>`: conftest's exit codes on real plan fixtures, through the built CLI.
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const BIN = path.join(REPO, 'packages/cli/dist/bin.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tfo-policy-check-'));
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { opa } from '@tfo/plugin-opa';
export default {
  rootModule: '.',
  accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
  plugins: [opa({ policies: [${JSON.stringify(path.join(REPO, 'packages/plugin-opa/policies'))}] })],
};
`,
  );
});

const check = (...args: string[]) =>
  execa('node', [BIN, 'policy', 'check', ...args], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
const fixture = (svc: string, name: string) =>
  path.join(REPO, 'packages/plugin-opa/policies', svc, 'testdata', `${name}.plan.json`);

describe('tfo policy check', () => {
  it('exits 2 on failures and lists them', async () => {
    const out = await check(fixture('s3', 'public'));
    expect(out.exitCode, out.stderr).toBe(2);
    expect(out.stdout).toMatch(/FAIL - .*TFO-S3-\d{3}/);
  });

  it('exits 0 on a plan with no failures, and 1 with --fail-on-warn when it has warnings', async () => {
    const clean = await check(fixture('s3', 'compliant'));
    expect(clean.stdout).not.toMatch(/^FAIL/m);
    expect(clean.exitCode, clean.stdout).toBe(0);
    const warned = await check(fixture('cloudwatch', 'destroy'), '--fail-on-warn');
    expect(warned.stdout).toMatch(/^WARN/m);
    expect(warned.stdout).not.toMatch(/^FAIL/m);
    expect(warned.exitCode, warned.stdout).toBe(1);
  });

  it('prints non-secret addresses readably and marks findings unknown until apply', async () => {
    const vpc = await check(fixture('vpc', 'violating'));
    expect(vpc.stdout).toMatch(/^FAIL - .* TFO-VPC-\d{3} .*from 0\.0\.0\.0\/0$/m);
    expect(vpc.stdout).toMatch(/from ::\/0$/m);
    expect(vpc.stdout).not.toContain('***.***.***.***/0');
    const unknown = await check(fixture('ec2', 'violating'));
    expect(unknown.stdout).toMatch(/^WARN \(unknown\) - aws_ebs_volume\.unset - TFO-EC2-006 /m);
  });

  it('--json findings carry unknown, profile and a fingerprint that the next check repeats', async () => {
    const findings = async () =>
      (
        JSON.parse(
          (await check('--json', '--file', 'deployments/dev/app.tfvars', fixture('ec2', 'violating'))).stdout,
        ) as {
          findings: Array<{ ruleId: string; unknown: unknown; profile: unknown; fingerprint: string }>;
        }
      ).findings;
    const first = await findings();
    expect(first.length).toBeGreaterThan(0);
    for (const f of first) {
      expect(typeof f.unknown, f.ruleId).toBe('boolean');
      expect(['baseline', 'strict']).toContain(f.profile);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(first.some((f) => f.unknown === true)).toBe(true);
    expect(new Set(first.map((f) => f.fingerprint)).size).toBe(first.length);
    expect((await findings()).map((f) => f.fingerprint)).toEqual(first.map((f) => f.fingerprint));
  });

  it('honours the config profile and per-rule overrides, and refuses an override of a rule that does not exist', async () => {
    const config = async (name: string, options: string): Promise<string> => {
      await writeFile(
        path.join(dir, name),
        `import { opa } from '@tfo/plugin-opa';
export default {
  rootModule: '.',
  accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
  plugins: [opa({ policies: [${JSON.stringify(path.join(REPO, 'packages/plugin-opa/policies'))}], ${options} })],
};
`,
      );
      return name;
    };
    const before = await check(fixture('s3', 'public'));
    expect(before.stdout).toMatch(/^FAIL - \S+ - TFO-S3-001 /m);
    expect(before.stdout).toMatch(/ TFO-S3-003 /);
    const overridden = await check(
      '--config',
      await config(
        'overrides.config.ts',
        `rules: { 'TFO-S3-001': { level: 'warn' }, 'TFO-S3-003': { profile: 'off' }, 'TFO-S3-012': { profile: 'baseline' } }`,
      ),
      fixture('s3', 'public'),
    );
    expect(overridden.exitCode, overridden.stderr).toBe(2);
    expect(overridden.stdout).toMatch(/^WARN - \S+ - TFO-S3-001 /m);
    expect(overridden.stdout).not.toMatch(/^FAIL - \S+ - TFO-S3-001 /m);
    expect(overridden.stdout).not.toMatch(/ TFO-S3-003 /);
    // TFO-S3-012 (access logging) is a strict rule: not in the default baseline, brought in by an override
    expect(before.stdout).not.toMatch(/ TFO-S3-012 /);
    expect(overridden.stdout).toMatch(/^WARN - \S+ - TFO-S3-012 /m);
    const strict = await check(
      '--config',
      await config('strict.config.ts', `profile: 'strict', rules: { 'TFO-S3-012': { profile: 'off' } }`),
      fixture('s3', 'public'),
    );
    expect(strict.stdout).toMatch(/^WARN - \S+ - TFO-S3-016 /m);
    expect(strict.stdout).not.toMatch(/ TFO-S3-012 /);
    const relaxed = await check(
      '--config',
      await config('relaxed.config.ts', `rules: { 'TFO-S3-404': { profile: 'off' } }`),
      fixture('s3', 'public'),
    );
    expect(relaxed.exitCode).toBe(3);
    expect(relaxed.stderr).toMatch(/TFO-S3-404 is not a rule of the policy bundle/);
  });

  it('tfo policy test refuses a threshold that is not a percentage (usage, exit 3) before running opa', async () => {
    const out = await execa('node', [BIN, 'policy', 'test', '--threshold', 'lots'], {
      cwd: dir,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    expect(out.exitCode).toBe(3);
    expect(out.stderr).toContain("argument 'lots' is invalid. must be a number from 0 to 100");
  });

  it('refuses a plan of an unknown major format version, blocking it', async () => {
    const file = path.join(dir, 'future.plan.json');
    await writeFile(file, JSON.stringify({ format_version: '2.0', resource_changes: [] }));
    const out = await check(file);
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toMatch(/TFO_ERR_PLAN_FORMAT|format_version "2.0"/);
  });
});
