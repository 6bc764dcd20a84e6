// Inputs are read once (issue 9): a tfvars file edited or deleted while its run is going changes
// nothing in that run: plan, verify, recovery and last-good all use the run's snapshot. Plans that
// only move, import or forget resources are applied, verified and counted, and a forget names what
// it leaves outside state. Real terraform through the built CLI, the slow test module, a file
// audit trail; after each scenario the invariants of the fault matrix are checked.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  BIN,
  REPO,
  SLOW_MODULE,
  slowTfvars,
  tempDir,
  tfo,
  type JsonResult,
} from '../../packages/cli/test/support.js';
import { killAll, locksLeft, processesLeft, stateIdentity, waitForLog } from './invariants.js';

const APP = 'app';
const KEY = `s3/acme-dev/us-east-1/${APP}/terraform.tfstate`;
const TFVARS = `dev/${APP}/${APP}.tfvars`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Changes {
  add: number;
  change: number;
  destroy: number;
  move?: number;
  import?: number;
  forget?: number;
  forgotten?: string[];
}
type Deployment = JsonResult['deployments'][number] & { changes?: Changes };
interface AuditRow {
  action: string;
  outcome: string;
  deployment: { key: string; sha256: string };
}

const repos: string[] = [];
afterEach(async () => {
  for (const dir of repos.splice(0)) {
    await killAll(dir);
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * A repository with `deployments/<rel>` files and a TypeScript config that adds a file audit
 * trail; the root module is the slow module, or `module` (main.tf text) written to `module/`.
 */
async function inputsRepo(files: Record<string, string>, module?: string): Promise<string> {
  const dir = await tempDir('tfo-inputs-');
  repos.push(dir);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, 'deployments', rel)), { recursive: true });
    await writeFile(path.join(dir, 'deployments', rel), text);
  }
  if (module !== undefined) await writeModule(dir, module);
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit, fileSink } from '@tfo/plugin-audit';
export default {
  deploymentsDir: 'deployments',
  rootModule: ${JSON.stringify(module === undefined ? SLOW_MODULE : 'module')},
  accounts: ${JSON.stringify(ACCOUNTS)},
  plugins: [audit({ sinks: [fileSink()] })],
};
`,
  );
  return dir;
}

async function writeModule(dir: string, text: string): Promise<void> {
  await mkdir(path.join(dir, 'module'), { recursive: true });
  await writeFile(path.join(dir, 'module/main.tf'), text);
}

const slowModuleText = (): Promise<string> => readFile(path.join(SLOW_MODULE, 'main.tf'), 'utf8');

/** Starts `tfo apply --json` in the background. */
function startApply(dir: string): ReturnType<typeof execa> {
  return execa('node', [BIN, 'apply', '--json'], { cwd: dir, reject: false, env: { CI: 'true', NO_COLOR: '1' } });
}

async function finished(child: ReturnType<typeof execa>): Promise<{ code: number; result: JsonResult }> {
  const out = await child;
  try {
    return { code: out.exitCode ?? -1, result: JSON.parse(String(out.stdout)) as JsonResult };
  } catch {
    throw new Error(`tfo apply printed no JSON (exit ${out.exitCode}):\n${String(out.stdout)}\n${String(out.stderr)}`);
  }
}

/** A plain `tfo apply`: its human output, and the result.json it left in its run folder. */
async function applyPlain(dir: string): Promise<{ code: number; output: string; deployment: Deployment }> {
  const out = await tfo(['apply'], dir);
  const id = /apply (\d{8}T\d{6}Z-[0-9a-f]{6}):/.exec(out.all ?? '')?.[1];
  if (!id) throw new Error(`tfo apply printed no summary (exit ${out.exitCode}):\n${out.all}`);
  const result = JSON.parse(await readFile(path.join(dir, '.tfo/runs', id, 'result.json'), 'utf8')) as JsonResult;
  return { code: out.exitCode ?? -1, output: out.all ?? '', deployment: only(result) };
}

function only(result: JsonResult): Deployment {
  const d = result.deployments.find((x) => x.key === KEY);
  if (!d) throw new Error(`no deployment ${KEY} in the result`);
  return d as Deployment;
}

async function stateOf(dir: string): Promise<{ serial: number; lineage: string; addresses: string[] } | undefined> {
  return stateIdentity(path.join(dir, '.tfo/state', KEY));
}

/** The `input.note` of each bucket in the state. */
async function notes(dir: string): Promise<Record<string, string>> {
  const s = JSON.parse(await readFile(path.join(dir, '.tfo/state', KEY), 'utf8')) as {
    resources: Array<{
      name: string;
      instances: Array<{ index_key?: string; attributes: { input?: { value?: { note?: string } } } }>;
    }>;
  };
  const out: Record<string, string> = {};
  for (const r of s.resources.filter((x) => x.name === 'bucket'))
    for (const i of r.instances) out[String(i.index_key)] = i.attributes.input?.value?.note ?? '';
  return out;
}

async function lastGood(dir: string): Promise<{ runId: string; sha256: string; tfvars: string }> {
  return JSON.parse(await readFile(path.join(dir, '.tfo/history', KEY, 'last-good.json'), 'utf8')) as never;
}

async function auditRows(dir: string): Promise<AuditRow[]> {
  const out = await tfo(['audit', 'query', '--json'], dir);
  expect(out.exitCode, out.all).toBe(0);
  return (JSON.parse(out.stdout) as { records: AuditRow[] }).records;
}

/** The fault matrix's checks: no process or lock left, the audit chain intact. */
async function invariants(dir: string): Promise<void> {
  expect(await processesLeft(dir)).toEqual([]);
  expect(await locksLeft(dir)).toEqual([]);
  const verify = await tfo(['audit', 'verify'], dir);
  expect(verify.exitCode, verify.all).toBe(0);
}

/** The run's snapshot of the inputs, and that only its owner can read it. */
async function snapshotOf(dir: string, runId: string): Promise<string> {
  const runDir = path.join(dir, '.tfo/runs', runId);
  const [slugDir] = (await readdir(runDir, { withFileTypes: true })).filter((e) => e.isDirectory());
  const file = path.join(runDir, slugDir!.name, 'inputs.tfvars');
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  return readFile(file, 'utf8');
}

describe('inputs are read once', () => {
  it('tfvars edited while apply runs: verify is clean against the snapshot, nothing destroyed, last good is the snapshot', async () => {
    const original = slowTfvars({ a: { note: 'v1' }, b: { note: 'v1', sleep_seconds: 4 } });
    const edited = slowTfvars({ a: { note: 'EDITED' }, c: { note: 'EDITED' } });
    const dir = await inputsRepo({ [TFVARS]: original });
    const child = startApply(dir);
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    await writeFile(path.join(dir, 'deployments', TFVARS), edited);
    const { code, result } = await finished(child);

    expect(code).toBe(0);
    const d = only(result);
    expect(d.status).toBe('applied');
    expect(d.changes).toMatchObject({ add: 2, destroy: 0 });
    expect((await stateOf(dir))?.addresses).toEqual(['terraform_data.bucket["a"]', 'terraform_data.bucket["b"]']);
    expect(await notes(dir)).toEqual({ a: 'v1', b: 'v1' });
    expect(await snapshotOf(dir, result.run.id)).toBe(original);
    expect(await lastGood(dir)).toMatchObject({ runId: result.run.id, sha256: sha256(original), tfvars: original });
    const rows = await auditRows(dir);
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(['apply:applied']);
    expect(rows[0]!.deployment.sha256).toBe(sha256(original));
    await invariants(dir);
  });

  it('tfvars edited while a failing apply runs: recovery re-applies the last good snapshot, never the edit', async () => {
    const good = slowTfvars({ a: { note: 'good', sleep_seconds: 3 } });
    const failing = slowTfvars({ a: { note: 'good' }, f: { fail: true, sleep_seconds: 3 } });
    const edit = slowTfvars({ a: { note: 'EDITED' }, z: { note: 'EDITED' } });
    const dir = await inputsRepo({ [TFVARS]: good });
    const file = path.join(dir, 'deployments', TFVARS);

    // run 1 applies `good`; the file becomes `failing` while it runs
    const first = startApply(dir);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creating...');
    await writeFile(file, failing);
    const run1 = await finished(first);
    expect(run1.code).toBe(0);
    expect(only(run1.result).status).toBe('applied');
    expect(await lastGood(dir)).toMatchObject({ sha256: sha256(good), tfvars: good });
    const before = await stateOf(dir);

    // run 2 applies `failing`; the file is edited again while bucket f fails
    const second = startApply(dir);
    await waitForLog(dir, 'terraform_data.bucket["f"]: Creating...');
    await writeFile(file, edit);
    const run2 = await finished(second);
    expect(run2.code).toBe(1);
    const d = only(run2.result);
    expect(d.status).toBe('recovered');
    expect(d.error?.stage).toBe('apply');
    expect(d.recovery).toMatchObject({ action: 'reapply-last-good', ok: true });
    expect(d.recovery?.detail).toContain(sha256(good).slice(0, 12));
    const after = await stateOf(dir);
    expect(after?.lineage).toBe(before?.lineage);
    expect(after?.addresses).toEqual(['terraform_data.bucket["a"]']);
    expect(await notes(dir)).toEqual({ a: 'good' });
    expect(await snapshotOf(dir, run2.result.run.id)).toBe(failing);
    expect(await lastGood(dir)).toMatchObject({ runId: run1.result.run.id, sha256: sha256(good) });
    const rows = await auditRows(dir);
    expect(rows.map((r) => `${r.action}:${r.outcome}:${r.deployment.sha256}`)).toEqual([
      `apply:applied:${sha256(good)}`,
      `recover:recovered:${sha256(failing)}`,
    ]);
    await invariants(dir);
  });

  it('tfvars broken while a failing first deployment runs: the created resources are destroyed with the snapshot', async () => {
    const inputs = slowTfvars({ a: { note: 'v1' }, f: { fail: true, sleep_seconds: 3 } });
    const dir = await inputsRepo({ [TFVARS]: inputs });
    const child = startApply(dir);
    await waitForLog(dir, 'terraform_data.bucket["f"]: Creating...');
    await writeFile(path.join(dir, 'deployments', TFVARS), 'account_key = "dev"\ns3_buckets = {\n'); // not HCL
    const { code, result } = await finished(child);

    expect(code).toBe(1);
    const d = only(result);
    expect(d.status).toBe('recovered');
    expect(d.recovery).toMatchObject({ action: 'destroy-created', ok: true });
    expect((await stateOf(dir))?.addresses).toEqual([]);
    expect(existsSync(path.join(dir, '.tfo/history', KEY, 'last-good.json'))).toBe(false);
    expect((await auditRows(dir)).map((r) => `${r.action}:${r.outcome}:${r.deployment.sha256}`)).toEqual([
      `recover:recovered:${sha256(inputs)}`,
    ]);
    await invariants(dir);
  });

  it('tfvars deleted mid-run: the run is unaffected', async () => {
    const original = slowTfvars({ a: { note: 'v1' }, b: { note: 'v1', sleep_seconds: 4 } });
    const dir = await inputsRepo({ [TFVARS]: original });
    const child = startApply(dir);
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    await unlink(path.join(dir, 'deployments', TFVARS));
    const { code, result } = await finished(child);

    expect(code).toBe(0);
    const d = only(result);
    expect(d.status).toBe('applied');
    expect(d.timings.map((t) => t.stage)).toContain('verify');
    expect((await stateOf(dir))?.addresses).toEqual(['terraform_data.bucket["a"]', 'terraform_data.bucket["b"]']);
    expect(await lastGood(dir)).toMatchObject({ sha256: sha256(original), tfvars: original });
    expect((await auditRows(dir))[0]?.deployment.sha256).toBe(sha256(original));
    await invariants(dir);
  });
});

describe('plans that only move, import or forget are applied and counted', () => {
  it('a move-only plan (moved block) is planned, applied, verified and counted; state shows the new address', async () => {
    const base = await slowModuleText();
    const dir = await inputsRepo({ [TFVARS]: slowTfvars({ a: {}, b: {} }) }, base);
    expect((await applyPlain(dir)).code).toBe(0);
    const before = await stateOf(dir);

    const renamed = base
      .replaceAll('terraform_data.bucket', 'terraform_data.store')
      .replace('resource "terraform_data" "bucket"', 'resource "terraform_data" "store"');
    await writeModule(dir, `${renamed}\nmoved {\n  from = terraform_data.bucket\n  to   = terraform_data.store\n}\n`);
    const plan = await tfo(['plan', '--json'], dir);
    expect((JSON.parse(plan.stdout) as JsonResult).deployments[0]?.status).toBe('planned');

    const run = await applyPlain(dir);
    expect(run.code, run.output).toBe(0);
    expect(run.deployment.status).toBe('applied');
    expect(run.deployment.changes).toMatchObject({ add: 0, change: 0, destroy: 0, move: 2, import: 0, forget: 0 });
    expect(run.output).toMatch(/\+0 ~0 -0 →2 moved/);
    const after = await stateOf(dir);
    expect(after?.lineage).toBe(before?.lineage);
    expect(after?.addresses).toEqual(['terraform_data.store["a"]', 'terraform_data.store["b"]']);

    const again = await applyPlain(dir);
    expect(again.deployment.status).toBe('no-changes');
    await invariants(dir);
  });

  it('a forget-only plan (removed, destroy = false) is applied; the resource leaves state, is not destroyed, and is named', async () => {
    const base = await slowModuleText();
    // its destroy provisioner (run in the root module folder) would leave a marker file
    const keep = `resource "terraform_data" "keep_me" {\n  input = "kept"\n  provisioner "local-exec" {\n    when    = destroy\n    command = "touch keep_me-destroyed"\n  }\n}\n`;
    const dir = await inputsRepo({ [TFVARS]: slowTfvars({ a: {} }) }, `${base}\n${keep}`);
    const marker = path.join(dir, 'module/keep_me-destroyed');
    expect((await applyPlain(dir)).code).toBe(0);
    expect((await stateOf(dir))?.addresses).toContain('terraform_data.keep_me');

    await writeModule(
      dir,
      `${base}\nremoved {\n  from = terraform_data.keep_me\n  lifecycle {\n    destroy = false\n  }\n}\n`,
    );
    const run = await applyPlain(dir);
    expect(run.code, run.output).toBe(0);
    expect(run.deployment.status).toBe('applied');
    expect(run.deployment.changes).toMatchObject({
      add: 0,
      change: 0,
      destroy: 0,
      forget: 1,
      forgotten: ['terraform_data.keep_me'],
    });
    expect(run.output).toMatch(/\+0 ~0 -0 −1 forgotten/);
    expect(run.output).toContain('1 resource(s) forgotten: removed from state, NOT destroyed');
    expect(run.output).toContain('    forgotten: terraform_data.keep_me');
    expect((await stateOf(dir))?.addresses).toEqual(['terraform_data.bucket["a"]']);
    expect(existsSync(marker)).toBe(false); // its destroy provisioner never ran
    await invariants(dir);
  });

  it('an import-only plan (import block) is applied, verified and counted; the resource is in state', async () => {
    const base = await slowModuleText();
    const dir = await inputsRepo({ [TFVARS]: slowTfvars({ a: {} }) }, base);
    expect((await applyPlain(dir)).code).toBe(0);

    await writeModule(
      dir,
      `${base}\nimport {\n  to = terraform_data.imported\n  id = "imported-1"\n}\n\nresource "terraform_data" "imported" {}\n`,
    );
    const run = await applyPlain(dir);
    expect(run.code, run.output).toBe(0);
    expect(run.deployment.status).toBe('applied');
    expect(run.deployment.changes).toMatchObject({ add: 0, change: 0, destroy: 0, import: 1 });
    expect(run.output).toMatch(/\+0 ~0 -0 \+1 imported/);
    expect((await stateOf(dir))?.addresses).toEqual(['terraform_data.bucket["a"]', 'terraform_data.imported']);
    await invariants(dir);
  });
});
