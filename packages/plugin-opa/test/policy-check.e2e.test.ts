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
  plugins: [opa({ policies: [${JSON.stringify(path.join(REPO, 'policies'))}] })],
};
`,
  );
});

const check = (...args: string[]) =>
  execa('node', [BIN, 'policy', 'check', ...args], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
const fixture = (svc: string, name: string) => path.join(REPO, 'policies', svc, 'testdata', `${name}.plan.json`);

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
    const warned = await check(fixture('golden', 'aws-prod-orders'), '--fail-on-warn');
    expect(warned.stdout).toMatch(/^WARN/m);
    expect(warned.stdout).not.toMatch(/^FAIL/m);
    expect(warned.exitCode, warned.stdout).toBe(1);
  });

  it('refuses a plan of an unknown major format version, blocking it', async () => {
    const file = path.join(dir, 'future.plan.json');
    await writeFile(file, JSON.stringify({ format_version: '2.0', resource_changes: [] }));
    const out = await check(file);
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toMatch(/TFO_ERR_PLAN_FORMAT|format_version "2.0"/);
  });
});
