// Fault scenarios of the runner: tfo killed (SIGKILL) at each stage while terraform keeps running
// in its own session, terraform itself killed, Ctrl-C once and twice, SIGTERM then SIGKILL. After
// each fault the next `tfo apply` (or `--resume`) reconciles from the run journal, and the
// invariants hold: every resource in state, no lock, no process left, the interrupted apply
// audited and the audit chain intact.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { resolveTerraformBinary } from '@tfo/engine/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MotoServer } from '../../scripts/lib/moto.mjs';
import {
  ENV as S3_ENV,
  s3Repo,
  tfoJson as s3TfoJson,
  writeProject,
} from '../../packages/plugin-s3-backup/test/e2e-support.js';
import { getText, startStateServer } from '../../packages/plugin-s3-backup/test/support.js';
import { ACCOUNTS, BIN, REPO, SLOW_MODULE, slowTfvars, tfo } from '../../packages/cli/test/support.js';
import { killAll, locksLeft, processesLeft, stateIdentity, waitForLog } from './invariants.js';

const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';
const GONE_KEY = 's3/acme-dev/us-east-1/gone/terraform.tfstate';
const TFVARS = 'deployments/dev/app/app.tfvars';
const REAL_TF = resolveTerraformBinary('auto', REPO);
const repos: string[] = [];

interface Reconciled {
  runId: string;
  key: string;
  stage: string;
  action: string;
  ok: boolean;
  detail: string;
}
interface Result {
  exitCode: number;
  cancelled: boolean;
  run: { id: string };
  reconciled?: Reconciled[];
  deployments: Array<{ key: string; status: string; error?: { message: string }; recovery?: { action: string } }>;
}

/**
 * A repository over the slow module with the audit plugin (file trail) in a TS config, and a
 * terraform wrapper that sleeps before the calls a scenario wants to catch in flight:
 * SLOW_TF_PLAN (the first plan), SLOW_TF_VERIFY (plan -detailed-exitcode), SLOW_TF_RECOVER
 * (the apply of a recovery plan); seconds. With SLOW_TF_STOP, an apply takes that long to act on
 * SIGINT (a provider finishing a slow call): the wrapper delays it, then forwards it to terraform.
 */
async function repo(buckets: Parameters<typeof slowTfvars>[0], extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-runner-'));
  repos.push(dir);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await mkdir(path.join(dir, path.dirname(TFVARS)), { recursive: true });
  await writeFile(path.join(dir, TFVARS), slowTfvars(buckets));
  const wrapper = path.join(dir, 'slow-terraform.sh');
  await writeFile(
    wrapper,
    `#!/bin/sh
if [ -n "$SLOW_TF_STOP" ] && [ "$1" = apply ]; then
  ${JSON.stringify(REAL_TF)} "$@" &
  child=$!
  trap 'sleep "$SLOW_TF_STOP"; kill -INT $child' INT
  wait $child
  wait $child
  exit $?
fi
case "$*" in
  *recover.tfplan*) [ "$1" = apply ] && sleep "\${SLOW_TF_RECOVER:-0}" ;;
  *-detailed-exitcode*) sleep "\${SLOW_TF_VERIFY:-0}" ;;
  plan*) sleep "\${SLOW_TF_PLAN:-0}" ;;
esac
exec ${JSON.stringify(REAL_TF)} "$@"
`,
  );
  await chmod(wrapper, 0o755);
  const config = {
    deploymentsDir: 'deployments',
    rootModule: SLOW_MODULE,
    accounts: ACCOUNTS,
    terraformBinary: wrapper,
    ...extra,
  };
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit, fileSink } from '@tfo/plugin-audit';
export default { ...${JSON.stringify(config)}, plugins: [audit({ sinks: [fileSink()] })] };
`,
  );
  return dir;
}

function setTfvars(dir: string, buckets: Parameters<typeof slowTfvars>[0]): Promise<void> {
  return writeFile(path.join(dir, TFVARS), slowTfvars(buckets));
}

function start(dir: string, args: string[], env: Record<string, string> = {}): ResultPromise {
  return execa('node', [BIN, ...args, '--json'], {
    cwd: dir,
    reject: false,
    env: { CI: 'true', NO_COLOR: '1', ...env },
  });
}

async function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  const out = await start(dir, args, env);
  try {
    return JSON.parse(String(out.stdout)) as Result;
  } catch {
    throw new Error(`tfo ${args.join(' ')} printed no JSON (exit ${out.exitCode}):\n${String(out.stderr)}`);
  }
}

/** The journal lines of the run in flight (the one whose journal has no run-end yet). */
async function journal(dir: string): Promise<Array<Record<string, unknown>>> {
  const runs = path.join(dir, '.tfo/runs');
  for (const id of existsSync(runs) ? await readdir(runs) : []) {
    const file = path.join(runs, id, 'journal.jsonl');
    if (!existsSync(file)) continue;
    const out: Array<Record<string, unknown>> = [];
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // torn or empty
      }
    }
    if (!out.some((e) => e.t === 'run-end')) return out;
  }
  return [];
}

/** Waits until some journal line matches. */
async function waitForJournal(
  dir: string,
  match: (e: Record<string, unknown>, all: Array<Record<string, unknown>>) => boolean,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const all = await journal(dir);
    const hit = all.find((e) => match(e, all));
    if (hit) return hit;
    await sleep(50);
  }
  throw new Error(`no journal line matched within ${timeoutMs} ms`);
}

const stageStarted = (stage: string) => (e: Record<string, unknown>) =>
  e.t === 'stage' && e.stage === stage && e.phase === 'start';

/** SIGKILL to tfo and waits for it to be gone. */
async function killTfo(child: ResultPromise): Promise<void> {
  child.kill('SIGKILL');
  await child;
}

async function auditLines(
  dir: string,
): Promise<Array<{ action: string; runId: string; outcome: string; output: string }>> {
  const folder = path.join(dir, '.tfo/audit');
  const lines: Array<{ action: string; runId: string; outcome: string; output: string }> = [];
  for (const f of existsSync(folder) ? await readdir(folder) : []) {
    if (!f.endsWith('.jsonl')) continue;
    for (const line of (await readFile(path.join(folder, f), 'utf8')).split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as never);
  }
  return lines;
}

/** The invariants after the fault was reconciled. */
async function expectClean(dir: string, addresses: string[]): Promise<void> {
  expect(await processesLeft(dir)).toEqual([]);
  expect(await locksLeft(dir)).toEqual([]);
  expect((await stateIdentity(path.join(dir, '.tfo/state', KEY)))?.addresses).toEqual(addresses);
  const verify = await tfo(['audit', 'verify'], dir);
  expect(verify.exitCode, verify.all).toBe(0);
}

const addr = (...names: string[]): string[] => names.map((n) => `terraform_data.bucket["${n}"]`).sort();

afterEach(async () => {
  for (const dir of repos.splice(0)) await killAll(dir);
});

describe('runner faults: tfo dies, terraform finishes, the next run reconciles', () => {
  it('SIGKILL of tfo during plan: terraform plan runs out, the next apply releases the key and applies it', async () => {
    const dir = await repo({ a: {} });
    const child = start(dir, ['apply'], { SLOW_TF_PLAN: '3' });
    await waitForJournal(dir, (e) => e.t === 'terraform' && e.command === 'plan');
    await killTfo(child);
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled).toEqual([
      expect.objectContaining({ key: KEY, stage: 'plan', action: 'released', ok: true }),
    ]);
    expect(next.deployments[0]?.status).toBe('applied');
    await expectClean(dir, addr('a'));
    // reconciled once: a further run finds nothing to do
    expect((await run(dir, ['apply'])).reconciled).toBeUndefined();
  });

  it('SIGKILL of tfo during apply (local state): terraform finishes and saves state; plan reports, apply reconciles and audits', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 4 } });
    const child = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    await killTfo(child);
    const killed = (await waitForJournal(dir, (e) => e.t === 'run-start')).runId as string;
    // a plan run only reports the interrupted run
    const plan = await run(dir, ['plan']);
    expect(plan.reconciled).toEqual([expect.objectContaining({ runId: killed, key: KEY, action: 'reported' })]);
    // terraform is still applying: the apply run waits for it, then verifies with the same inputs
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled).toEqual([
      expect.objectContaining({ runId: killed, key: KEY, stage: 'apply', action: 'verified', ok: true }),
    ]);
    expect(next.deployments[0]?.status).toBe('no-changes');
    const audited = (await auditLines(dir)).find((r) => r.runId === killed && r.action === 'apply');
    expect(audited?.outcome).toBe('applied');
    expect(audited?.output).toContain(`reconciled by run ${next.run.id}`);
    await expectClean(dir, addr('a', 'b'));
  });

  it('SIGKILL of tfo during verify: the next apply waits for the verify plan, verifies again and audits', async () => {
    const dir = await repo({ a: {} });
    const child = start(dir, ['apply'], { SLOW_TF_VERIFY: '3' });
    await waitForJournal(dir, stageStarted('verify'));
    await killTfo(child);
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled).toEqual([expect.objectContaining({ stage: 'verify', action: 'verified', ok: true })]);
    expect((await auditLines(dir)).some((r) => r.output.includes('interrupted during verify'))).toBe(true);
    await expectClean(dir, addr('a'));
  });

  it('SIGKILL of tfo during recovery of a failing apply: --resume waits for the recovery apply and converges to the last good inputs', async () => {
    const dir = await repo({ a: {} });
    expect((await run(dir, ['apply'])).exitCode).toBe(0);
    await setTfvars(dir, { a: {}, b: { fail: true }, c: {} });
    const child = start(dir, ['apply'], { SLOW_TF_RECOVER: '3' });
    const runId = (await waitForJournal(dir, (e) => e.t === 'run-start')).runId as string;
    // the apply of the recovery plan has started (and sleeps before terraform runs)
    await waitForJournal(dir, (e, all) => {
      const recover = all.findIndex(stageStarted('recover'));
      return recover >= 0 && e.t === 'terraform' && e.command === 'apply' && all.indexOf(e) > recover;
    });
    await killTfo(child);
    const resumed = await run(dir, ['apply', '--resume', runId]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.deployments).toEqual([]);
    expect(resumed.reconciled).toEqual([
      expect.objectContaining({ runId, stage: 'recover', action: 'recovered', ok: true }),
    ]);
    expect((await auditLines(dir)).some((r) => r.runId === runId && r.action === 'recover')).toBe(true);
    await expectClean(dir, addr('a'));
    // resuming it again: already reconciled, nothing done
    const again = await run(dir, ['apply', '--resume', runId]);
    expect(again.exitCode).toBe(0);
    expect(again.reconciled).toBeUndefined();
  });

  it('SIGKILL of terraform itself mid-apply: tfo reports it killed, recovers from the state it left, nothing is left running', async () => {
    const dir = await repo({ a: {} });
    expect((await run(dir, ['apply'])).exitCode).toBe(0);
    await setTfvars(dir, { a: {}, b: { sleep_seconds: 6 } });
    const child = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    const tf = await waitForJournal(dir, (e) => e.t === 'terraform' && e.command === 'apply');
    process.kill(tf.pid as number, 'SIGKILL');
    const out = await child;
    const result = JSON.parse(String(out.stdout)) as Result;
    expect(out.exitCode).toBe(1);
    const d = result.deployments[0]!;
    expect(d.error?.message).toContain('killed by SIGKILL');
    expect(d.recovery).toBeDefined();
    // the provisioner terraform started is gone with it (its process group is killed)
    await expectClean(dir, addr('a'));
    expect((await run(dir, ['apply'])).reconciled).toBeUndefined();
  });
});

describe('runner faults: several keys and --resume', () => {
  it('SIGKILL of tfo with two keys applying and one queued: the next apply reconciles the two and applies the third', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 4 } });
    for (const p of ['two', 'three']) {
      await mkdir(path.join(dir, 'deployments/dev', p), { recursive: true });
      await writeFile(
        path.join(dir, 'deployments/dev', p, `${p}.tfvars`),
        slowTfvars({ a: {}, b: { sleep_seconds: 4 } }),
      );
    }
    const child = start(dir, ['apply', '--max-workers', '2']);
    const applying = async (): Promise<number> =>
      (await journal(dir)).filter((e) => e.t === 'terraform' && e.command === 'apply').length;
    const deadline = Date.now() + 60_000;
    while ((await applying()) < 2 && Date.now() < deadline) await sleep(50);
    const runId = (await journal(dir)).find((e) => e.t === 'run-start')?.runId as string;
    await killTfo(child);
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled?.map((r) => [r.runId, r.action, r.ok])).toEqual([
      [runId, 'verified', true],
      [runId, 'verified', true],
    ]);
    expect(next.deployments.map((d) => d.status).sort()).toEqual(['applied', 'no-changes', 'no-changes']);
    expect(await processesLeft(dir)).toEqual([]);
    expect(await locksLeft(dir)).toEqual([]);
    for (const p of ['app', 'two', 'three']) {
      const state = await stateIdentity(path.join(dir, '.tfo/state', `s3/acme-dev/us-east-1/${p}/terraform.tfstate`));
      expect(state?.addresses).toEqual(addr('a', 'b'));
    }
    expect((await tfo(['audit', 'verify'], dir)).exitCode).toBe(0);
  });

  it('SIGKILL of tfo during apply, then SIGKILL of the run reconciling it (mid-verify): the third run waits for that verify and finishes the reconcile', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 3 } });
    const first = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    const firstId = (await waitForJournal(dir, (e) => e.t === 'run-start')).runId as string;
    await killTfo(first);
    const second = start(dir, ['apply'], { SLOW_TF_VERIFY: '3' });
    await waitForLog(dir, '-detailed-exitcode');
    await killTfo(second);
    const third = await run(dir, ['apply']);
    expect(third.exitCode).toBe(0);
    expect(third.reconciled).toEqual([
      expect.objectContaining({ runId: firstId, key: KEY, action: 'verified', ok: true }),
    ]);
    const audited = (await auditLines(dir)).filter((r) => r.runId === firstId && r.action === 'apply');
    expect(audited).toHaveLength(1);
    await expectClean(dir, addr('a', 'b'));
    expect((await run(dir, ['apply'])).reconciled).toBeUndefined();
  });

  it("SIGKILL of tfo during apply, then the tfvars file is deleted: reconcile verifies with the run's own snapshot of it", async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 3 } });
    const child = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    await killTfo(child);
    await rm(path.join(dir, TFVARS));
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled).toEqual([
      expect.objectContaining({ key: KEY, stage: 'apply', action: 'verified', ok: true }),
    ]);
    await expectClean(dir, addr('a', 'b'));
  });

  it("SIGKILL of tfo during apply, then the run's inputs snapshot is deleted: reconcile says it cannot verify, recovery leaves it to a human, exit 1 once", async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 3 } });
    const child = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    await killTfo(child);
    const keyStart = (await journal(dir)).find((e) => e.t === 'key-start')!;
    const inputs = keyStart.varFile as string;
    expect(inputs).toMatch(/\/inputs\.tfvars$/);
    // the journal points at the snapshot; it does not copy the inputs (which may hold secrets)
    expect(keyStart.deployment).not.toHaveProperty('tfvars');
    await rm(inputs);
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(1);
    expect(next.reconciled).toEqual([
      expect.objectContaining({ key: KEY, stage: 'apply', action: 'failed', ok: false }),
    ]);
    expect(next.reconciled?.[0]?.detail).toContain('is gone: cannot verify');
    const audited = (await auditLines(dir)).find((r) => r.output.includes('is gone: cannot verify'));
    expect(audited?.outcome).toBe('failed');
    // what terraform applied stays in state; nothing is left locked or running; decided once
    await expectClean(dir, addr('a', 'b'));
    expect((await run(dir, ['apply'])).reconciled).toBeUndefined();
  });

  it('--resume of a run still running says so and fails; of an unknown run id is a usage error', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 4 } });
    const child = start(dir, ['apply']);
    const runId = (await waitForJournal(dir, stageStarted('apply'), 60_000)) && (await journal(dir));
    const id = runId.find((e) => e.t === 'run-start')?.runId as string;
    const alive = await run(dir, ['apply', '--resume', id]);
    expect(alive.exitCode).toBe(1);
    expect(alive.reconciled).toEqual([expect.objectContaining({ runId: id, ok: false })]);
    expect(alive.reconciled?.[0]?.detail).toContain('is still running');
    expect((await child).exitCode).toBe(0);
    const runsBefore = await readdir(path.join(dir, '.tfo/runs'));
    const unknown = await tfo(['apply', '--resume', '20200101T000000Z-000000'], dir);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.all).toContain('no run journal');
    // refused as bad input before a run of its own starts
    expect(await readdir(path.join(dir, '.tfo/runs'))).toEqual(runsBefore);
    await expectClean(dir, addr('a', 'b'));
  });
});

describe('runner faults: signals', () => {
  it('SIGINT once: one interrupt reaches terraform, the run reports cancelled with its result, no lock left', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 6 } });
    const child = start(dir, ['apply']);
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    child.kill('SIGINT');
    const out = await child;
    expect(out.exitCode).toBe(130);
    expect((JSON.parse(String(out.stdout)) as Result).cancelled).toBe(true);
    const log = await readFile(await waitForLog(dir, 'Interrupt received'), 'utf8');
    expect(log.match(/Interrupt received/g)).toHaveLength(1);
    expect(await processesLeft(dir)).toEqual([]);
    expect(await locksLeft(dir)).toEqual([]);
    // the run ended (journal run-end): nothing to reconcile; the next apply converges
    const next = await run(dir, ['apply']);
    expect(next.reconciled).toBeUndefined();
    expect(next.exitCode).toBe(0);
    await expectClean(dir, addr('a', 'b'));
  });

  it('SIGINT twice: the second only says terraform is still finishing; the run still ends with its result', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 6 } });
    const child = start(dir, ['apply'], { SLOW_TF_STOP: '3' });
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    child.kill('SIGINT');
    await sleep(500);
    child.kill('SIGINT');
    const out = await child;
    expect(out.exitCode).toBe(130);
    expect(String(out.stderr)).toContain('SIGINT again: still waiting for terraform to finish');
    const log = await readFile(await waitForLog(dir, 'Interrupt received'), 'utf8');
    expect(log.match(/Interrupt received/g)).toHaveLength(1);
    expect((JSON.parse(String(out.stdout)) as Result).cancelled).toBe(true);
    expect(await processesLeft(dir)).toEqual([]);
    expect(await locksLeft(dir)).toEqual([]);
    expect((await run(dir, ['apply'])).exitCode).toBe(0);
    await expectClean(dir, addr('a', 'b'));
  });

  it('SIGTERM then SIGKILL after a short grace: terraform stops on its one SIGINT, the next apply reconciles', async () => {
    const dir = await repo({ a: {}, b: { sleep_seconds: 6 } });
    const child = start(dir, ['apply'], { SLOW_TF_STOP: '3' });
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    const runId = (await waitForJournal(dir, (e) => e.t === 'run-start')).runId as string;
    child.kill('SIGTERM');
    await sleep(500);
    await killTfo(child);
    const next = await run(dir, ['apply']);
    expect(next.exitCode).toBe(0);
    expect(next.reconciled).toEqual([expect.objectContaining({ runId, key: KEY, stage: 'apply', ok: true })]);
    await expectClean(dir, addr('a', 'b'));
  });
});

describe('runner faults: S3 state (moto)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let db: DynamoDBClient;
  beforeAll(async () => {
    ({ moto, s3, db } = await startStateServer());
  });
  afterAll(async () => {
    s3?.destroy();
    db?.destroy();
    await moto?.stop();
  });

  const plugin = (): Record<string, unknown> => ({
    bucket: 'tfo-state',
    region: 'us-east-1',
    stateRoleArn: 'arn:aws:iam::123456789012:role/tfo-state',
    endpoints: { s3: moto.endpoint, sts: moto.endpoint, dynamodb: moto.endpoint },
    usePathStyle: true,
    skipCredentialsValidation: true,
    lock: 'both',
    dynamodbTable: 'tfo-locks',
    leaseTtlSeconds: 5,
  });

  it('SIGKILL of tfo during apply with S3 state: terraform finishes into S3; the next apply takes over the dead lease and reconciles', async () => {
    const dir = await s3Repo(plugin() as never, { app: { a: {}, b: { sleep_seconds: 4 } } });
    repos.push(dir);
    const child = execa('node', [BIN, 'apply', '--json'], { cwd: dir, env: S3_ENV, reject: false });
    await waitForLog(dir, 'terraform_data.bucket["a"]: Creation complete');
    await killTfo(child);
    const next = await s3TfoJson(['apply'], dir);
    expect(next.code, next.output).toBe(0);
    expect((next.result as unknown as Result).reconciled).toEqual([
      expect.objectContaining({ key: KEY, stage: 'apply', action: 'verified', ok: true }),
    ]);
    const state = JSON.parse((await getText(s3, 'tfo-state', KEY)) ?? '{}') as { resources?: unknown[] };
    expect(JSON.stringify(state.resources)).toContain('"b"');
    expect(await getText(s3, 'tfo-state', `${KEY}.tflock`)).toBeUndefined();
    expect(await getText(s3, 'tfo-state', `tfo-leases/${KEY}.lease`)).toBeUndefined();
    expect(await processesLeft(dir)).toEqual([]);
  });

  it("SIGKILL of tfo and terraform together (the runner is gone) with S3 state: the next apply force-unlocks only the dead terraform's lock and reconciles", async () => {
    const dir = await s3Repo(plugin() as never, { gone: { a: {}, b: { sleep_seconds: 30 } } });
    repos.push(dir);
    const child = execa('node', [BIN, 'apply', '--json'], { cwd: dir, env: S3_ENV, reject: false });
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    const tf = await waitForJournal(dir, (e) => e.t === 'terraform' && e.command === 'apply');
    process.kill(-(tf.pid as number), 'SIGKILL');
    await killTfo(child);
    expect(await getText(s3, 'tfo-state', `${GONE_KEY}.tflock`)).toBeDefined();
    await writeProject(dir, 'gone', { a: {}, b: {} });
    const next = await s3TfoJson(['apply'], dir);
    expect(next.code, next.output).toBe(0);
    const r = (next.result as unknown as Result).reconciled;
    expect(r).toEqual([expect.objectContaining({ key: GONE_KEY, stage: 'apply', ok: true })]);
    expect(r?.[0]?.detail).toContain("released terraform's lock");
    const state = JSON.parse((await getText(s3, 'tfo-state', GONE_KEY)) ?? '{}') as { resources?: unknown[] };
    expect(JSON.stringify(state.resources)).toContain('"b"');
    expect(await getText(s3, 'tfo-state', `${GONE_KEY}.tflock`)).toBeUndefined();
    expect(await getText(s3, 'tfo-state', `tfo-leases/${GONE_KEY}.lease`)).toBeUndefined();
    expect(await processesLeft(dir)).toEqual([]);
  });
});
