// The policy gate from the package as npm would install it: the files `npm pack` takes from
// packages/plugin-opa (built dist, shipped policies and bundle) copied into node_modules of a
// temporary folder, run by node with a PATH that holds node alone (no opa anywhere): `opa()`
// with no options evaluates the first-party policies from the shipped bundle on real plans.
import { chmod, cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const PKG = path.join(REPO, 'packages/plugin-opa');

/** Runs the gate (prepare, then validate) on one plan; prints the shipped bundle's path and the findings. */
const GATE = `import { readFile } from 'node:fs/promises';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine } from '@tfo/engine';
import { FIRST_PARTY_BUNDLE, opa } from '@tfo/plugin-opa';

const plan = JSON.parse(await readFile(process.argv[2], 'utf8'));
const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
const engine = new Engine(resolveSettings(config, process.cwd()), [opa()]);
try {
  await engine.hooks.prepare.promise({ id: 'r', dir: process.cwd(), kind: 'plan' }, []);
  const ctx = { plan: { json: plan }, deployment: { file: 'deployments/dev/app.tfvars' }, findings: [] };
  await engine.hooks.validate.promise(ctx);
  process.stdout.write(JSON.stringify({ bundle: FIRST_PARTY_BUNDLE, findings: ctx.findings }));
} finally {
  await engine.close();
}
`;

let app: string;
let env: Record<string, string>;

beforeAll(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'tfo-shipped-gate-'));
  app = path.join(root, 'app');
  const installed = path.join(app, 'node_modules', '@tfo', 'plugin-opa');
  // exactly the files a published tarball holds
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG });
  const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  for (const file of files) {
    await mkdir(path.dirname(path.join(installed, file)), { recursive: true });
    await cp(path.join(PKG, file), path.join(installed, file));
  }
  // its dependencies (@tfo/engine, opa-wasm, tar, ...) resolve from the folder above
  await symlink(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  await writeFile(path.join(app, 'gate.mjs'), GATE);
  const bin = path.join(root, 'bin');
  await mkdir(bin);
  await symlink(process.execPath, path.join(bin, 'node'));
  env = { PATH: bin, HOME: root, NO_COLOR: '1' };
});

async function gate(plan: string): Promise<{ bundle: string; findings: Array<Record<string, unknown>> }> {
  const out = await execa(path.join(path.dirname(app), 'bin', 'node'), ['gate.mjs', plan], {
    cwd: app,
    env,
    extendEnv: false,
    reject: false,
  });
  expect(out.exitCode, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as { bundle: string; findings: Array<Record<string, unknown>> };
}

/** Baseline denies an expectations file names for a policy fixture: `rule resource`. */
async function expectedDenies(service: string, name: string): Promise<string[]> {
  const file = path.join(REPO, 'tests/expectations', service, `${name}.expect.json`);
  const exp = JSON.parse(await readFile(file, 'utf8')) as {
    report: Array<{ id: string; resource: string; level: string; strict: boolean }>;
  };
  return [
    ...new Set(exp.report.filter((r) => r.level === 'deny' && !r.strict).map((r) => `${r.id} ${r.resource}`)),
  ].sort();
}

const fixture = (service: string, name: string) =>
  path.join(app, 'node_modules/@tfo/plugin-opa/policies', service, 'testdata', `${name}.plan.json`);

describe('the gate of an installed @tfo/plugin-opa, with no opa binary', () => {
  it('has no opa on its PATH, and its policies and bundle come from the installed copy', async () => {
    expect(existsSync(path.join(env.PATH!, 'opa'))).toBe(false);
    const { bundle } = await gate(fixture('s3', 'compliant'));
    expect(bundle).toBe(path.join(app, 'node_modules/@tfo/plugin-opa/bundle/first-party.wasm'));
  });

  it.each([
    ['s3', 'public'],
    ['iam', 'violating'],
    ['s3', 'compliant'],
  ])('blocks exactly the baseline denies of the %s/%s plan', async (service, name) => {
    const { findings } = await gate(fixture(service, name));
    // one entry per rule and resource (a rule may report several reasons for one resource)
    const denied = [
      ...new Set(
        findings.filter((f) => f.level === 'deny' && !f.waived).map((f) => `${String(f.ruleId)} ${String(f.resource)}`),
      ),
    ].sort();
    expect(
      findings.every((f) => f.ruleId !== 'TFO-OPA-000'),
      JSON.stringify(findings),
    ).toBe(true);
    expect(denied).toEqual(await expectedDenies(service, name));
    if (name !== 'compliant') expect(denied.length).toBeGreaterThan(0);
  });

  it('refuses a shipped bundle whose bytes are not the ones its manifest names', async () => {
    const wasm = path.join(app, 'node_modules/@tfo/plugin-opa/bundle/first-party.wasm');
    const bytes = await readFile(wasm);
    const tampered = Buffer.from(bytes);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 0xff, tampered.length - 1);
    await chmod(wasm, 0o644);
    await writeFile(wasm, tampered);
    try {
      const out = await execa(path.join(path.dirname(app), 'bin', 'node'), ['gate.mjs', fixture('s3', 'public')], {
        cwd: app,
        env,
        extendEnv: false,
        reject: false,
      });
      expect(out.exitCode).not.toBe(0);
      expect(out.stderr).toMatch(/not the one its manifest names[\s\S]*reinstall @tfo\/plugin-opa/);
    } finally {
      await writeFile(wasm, bytes);
    }
  });
});
