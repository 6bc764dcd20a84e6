// Fault scenarios of locks and leases (issue 9): two runs on one key, a run killed while holding
// its lock, locks of other hosts (silent and live), a reused pid, `tfo state unlock` of a live
// holder, and S3 leases under a paused and a killed moto. Real terraform over the slow module.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, BIN, REPO, SLOW_MODULE, slowTfvars, tfo } from '../../packages/cli/test/support.js';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MotoServer } from '../../scripts/lib/moto.mjs';
import { keyOf, s3Repo, tfo as tfoS3 } from '../../packages/plugin-s3-backup/test/e2e-support.js';
import { getText, startStateServer } from '../../packages/plugin-s3-backup/test/support.js';
import type { S3BackupOptions } from '../../packages/plugin-s3-backup/src/options.js';
import { killAll, locksLeft, processesLeft, stateIdentity, waitForLog } from './invariants.js';

const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';
const FILE = 'dev/app/app.tfvars';
const repos: string[] = [];

afterEach(async () => {
  for (const dir of repos.splice(0)) await killAll(dir);
});

/** A repository over the slow module whose TypeScript config adds the audit plugin (file trail). */
async function auditedRepo(tfvars: string, extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-locks-'));
  repos.push(dir);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await mkdir(path.join(dir, 'deployments', path.dirname(FILE)), { recursive: true });
  await writeFile(path.join(dir, 'deployments', FILE), tfvars);
  const config = { deploymentsDir: 'deployments', rootModule: SLOW_MODULE, accounts: ACCOUNTS, ...extra };
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit } from '@tfo/plugin-audit';
export default { ...${JSON.stringify(config)}, plugins: [audit()] };
`,
  );
  return dir;
}

interface Deployment {
  key: string;
  status: string;
  error?: { code?: string; message: string };
  timings: Array<{ stage: string; startedAt: number; endedAt?: number }>;
}

/** `tfo apply` in text mode (progress lines, notices) and the run's result.json. */
async function apply(dir: string): Promise<{ code: number; output: string; runId: string; app: Deployment }> {
  const out = await tfo(['apply'], dir);
  return { ...(await resultOf(dir, out.all ?? '')), code: out.exitCode ?? -1 };
}

async function resultOf(dir: string, output: string): Promise<{ output: string; runId: string; app: Deployment }> {
  const runId = /tfo apply (\S+):/.exec(output)?.[1];
  if (!runId) throw new Error(`no run id in:\n${output}`);
  const result = JSON.parse(await readFile(path.join(dir, '.tfo/runs', runId, 'result.json'), 'utf8')) as {
    deployments: Deployment[];
  };
  const app = result.deployments.find((d) => d.key === KEY);
  if (!app) throw new Error(`no ${KEY} in run ${runId}:\n${output}`);
  return { output, runId, app };
}

const lockPath = (dir: string): string => path.join(dir, '.tfo/locks', `${KEY}.lock`);

async function writeLock(dir: string, holder: Record<string, unknown>, heartbeat = new Date()): Promise<void> {
  const file = lockPath(dir);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ key: KEY, since: new Date(Date.now() - 3_600_000).toISOString(), ...holder }));
  await utimes(file, heartbeat, heartbeat);
}

interface AuditRow {
  action: string;
  outcome: string;
  runId: string;
  output?: string;
}

/** The file trail's records (with their output), after checking that its chain verifies. */
async function auditTrail(dir: string): Promise<AuditRow[]> {
  const verify = await tfo(['audit', 'verify'], dir);
  expect(verify.exitCode, verify.all).toBe(0);
  const out = await tfo(['audit', 'query', '--output', '--json'], dir);
  expect(out.exitCode, out.all).toBe(0);
  return (JSON.parse(out.stdout) as { records: AuditRow[] }).records;
}

/** The invariants after every scenario: no process of the repo left, the state a whole one. */
async function settled(dir: string): Promise<void> {
  expect(await processesLeft(dir)).toEqual([]);
  const state = await stateIdentity(path.join(dir, '.tfo/state', KEY));
  if (state) expect(state.addresses).toEqual(['terraform_data.bucket["a"]']);
}

/** The start time (/proc/<pid>/stat field 22) of a process. */
async function startTime(pid: number): Promise<string> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe('locks and leases under faults', () => {
  it('two concurrent applies on one key run one after the other: the second waits naming the holder, both succeed, no lock left', async () => {
    const dir = await auditedRepo(slowTfvars({ a: { sleep_seconds: 4 } }), { lockTimeoutSeconds: 120 });
    const first = execa('node', [BIN, 'apply'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    await waitForLog(dir, '$ terraform plan');
    const second = await apply(dir);
    const firstOut = await first;
    const one = await resultOf(dir, firstOut.all ?? '');
    expect(firstOut.exitCode, firstOut.all).toBe(0);
    expect(second.code, second.output).toBe(0);
    expect(one.app.status).toBe('applied');
    // it waited for the first run, said for whom, and planned only after the first had applied
    expect(second.output).toMatch(new RegExp(`waiting +${KEY}: locked by run ${one.runId} \\(pid \\d+ on `));
    expect(second.app.status).toBe('no-changes');
    const firstEnd = Math.max(...one.app.timings.map((t) => t.endedAt ?? 0));
    const secondLocked = second.app.timings.find((t) => t.stage === 'lock')!.endedAt!;
    expect(secondLocked).toBeGreaterThanOrEqual(
      Math.max(...one.app.timings.filter((t) => t.stage === 'apply').map((t) => t.endedAt!)),
    );
    expect(secondLocked).toBeLessThanOrEqual(firstEnd + 2000);
    expect(await locksLeft(dir)).toEqual([]);
    expect((await stateIdentity(path.join(dir, '.tfo/state', KEY)))?.serial).toBeGreaterThan(0);
    await settled(dir);
    const trail = await auditTrail(dir);
    expect(trail.map((r) => `${r.action}:${r.outcome}`)).toEqual(['apply:applied', 'apply:no-changes']);
  });

  it('tfo killed with SIGKILL while holding the lock: the next run breaks it at once (pid gone), says so and audits it', async () => {
    const dir = await auditedRepo(slowTfvars({ a: { sleep_seconds: 3 } }), { lockTimeoutSeconds: 120 });
    const victim = execa('node', [BIN, 'apply'], { cwd: dir, reject: false, env: { CI: 'true', NO_COLOR: '1' } });
    await waitForLog(dir, 'local-exec');
    const held = JSON.parse(await readFile(lockPath(dir), 'utf8')) as { pid: number; runId: string };
    expect(held.pid).toBe(victim.pid);
    victim.kill('SIGKILL');
    await victim;
    // terraform runs in its own session and finishes the apply it started; wait for it (and its
    // provisioner) to be gone, as after a crashed runner
    expect(await processesLeft(dir, 60_000)).toEqual([]);
    expect(existsSync(lockPath(dir))).toBe(true);

    const next = await apply(dir);
    expect(next.code, next.output).toBe(0);
    const lock = next.app.timings.find((t) => t.stage === 'lock')!;
    expect(lock.endedAt! - lock.startedAt).toBeLessThan(2000);
    expect(next.output).toMatch(
      new RegExp(
        `warn: ${KEY}: broke the stale lock of run ${held.runId} \\(pid ${held.pid} on .*\\): pid ${held.pid} is gone`,
      ),
    );
    expect(await locksLeft(dir)).toEqual([]);
    await settled(dir);
    const breaks = (await auditTrail(dir)).filter((r) => r.action === 'unlock');
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toMatchObject({ outcome: 'applied', runId: next.runId });
    expect(breaks[0]!.output).toContain(`broke the stale lock of run ${held.runId}`);
  });

  it('a lock of another host whose heartbeat is older than its TTL is broken by TTL', async () => {
    const dir = await auditedRepo(slowTfvars({ a: {} }), { lockTimeoutSeconds: 120 });
    await writeLock(
      dir,
      { pid: 4242, host: 'ci-runner-7', runId: 'run-remote', ttlSeconds: 60 },
      new Date(Date.now() - 600_000),
    );
    const run = await apply(dir);
    expect(run.code, run.output).toBe(0);
    expect(run.app.status).toBe('applied');
    expect(run.output).toMatch(
      /broke the stale lock of run run-remote \(pid 4242 on ci-runner-7, .*\): held on another host, no heartbeat for 60\d s \(TTL 60 s\)/,
    );
    const lock = run.app.timings.find((t) => t.stage === 'lock')!;
    expect(lock.endedAt! - lock.startedAt).toBeLessThan(2000);
    expect(await locksLeft(dir)).toEqual([]);
    await settled(dir);
    expect((await auditTrail(dir)).map((r) => `${r.action}:${r.outcome}`)).toEqual(['unlock:applied', 'apply:applied']);
  });

  it('a lock of another host with a fresh heartbeat is waited for, then the deployment fails naming the holder and the unlock hint', async () => {
    const dir = await auditedRepo(slowTfvars({ a: {} }), { lockTimeoutSeconds: 2 });
    await writeLock(dir, { pid: 4242, host: 'ci-runner-7', runId: 'run-remote', ttlSeconds: 300 });
    const run = await apply(dir);
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(new RegExp(`waiting +${KEY}: locked by run run-remote \\(pid 4242 on ci-runner-7`));
    expect(run.app.status).toBe('failed');
    expect(run.app.error?.code).toBe('TFO_ERR_LOCKED');
    expect(run.app.error?.message).toMatch(
      /locked by run run-remote \(pid 4242 on ci-runner-7, since \S+, last heartbeat \S+\)/,
    );
    expect(run.app.error?.message).toContain(`tfo state unlock ${KEY}`);
    expect(run.output).toContain(`tfo state unlock ${KEY}`);
    const lock = run.app.timings.find((t) => t.stage === 'lock')!;
    expect(lock.endedAt! - lock.startedAt).toBeGreaterThanOrEqual(2000);
    // the live foreign lock is left to its holder, and nothing was applied
    expect(existsSync(lockPath(dir))).toBe(true);
    expect(await stateIdentity(path.join(dir, '.tfo/state', KEY))).toBeUndefined();
    await settled(dir);
  });

  it('a lock whose pid now belongs to another process (another start time) is broken', async () => {
    const dir = await auditedRepo(slowTfvars({ a: {} }), { lockTimeoutSeconds: 120 });
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const start = await startTime(other.pid!);
      await writeLock(dir, {
        pid: other.pid,
        host: hostname(),
        pidStart: String(Number(start) - 1000),
        runId: 'run-before-reboot',
        ttlSeconds: 300,
      });
      const run = await apply(dir);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(
        new RegExp(`broke the stale lock of run run-before-reboot .*: pid ${other.pid} on .* is another process now`),
      );
      expect(await locksLeft(dir)).toEqual([]);
      await settled(dir);
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });

  it('tfo state unlock refuses a live holder (exit 1, naming it), --force removes it, and both are audited', async () => {
    const dir = await auditedRepo(slowTfvars({ a: { sleep_seconds: 5 } }), { lockTimeoutSeconds: 120 });
    const holder = execa('node', [BIN, 'apply'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', NO_COLOR: '1' },
    });
    await waitForLog(dir, '$ terraform plan');
    const runId = (JSON.parse(await readFile(lockPath(dir), 'utf8')) as { runId: string }).runId;

    const refused = await tfo(['state', 'unlock', KEY], dir);
    expect(refused.exitCode, refused.all).toBe(1);
    expect(refused.all).toContain('TFO_ERR_LOCK_LIVE');
    expect(refused.all).toMatch(
      new RegExp(
        `held by run ${runId} \\(pid ${holder.pid} on .*\\), which is live \\(pid ${holder.pid} is alive on .* with the same start time`,
      ),
    );
    expect(existsSync(lockPath(dir))).toBe(true);

    const forced = await tfo(['state', 'unlock', KEY, '--force'], dir);
    expect(forced.exitCode, forced.all).toBe(0);
    expect(forced.all).toContain(`unlocked ${KEY}: it was held by run ${runId}`);
    expect(forced.all).toContain('removed with --force');
    expect(existsSync(lockPath(dir))).toBe(false);

    // the holder finishes; it learns it lost its lock at its next heartbeat or leaves it alone
    const out = await holder;
    expect(out.exitCode, out.all).toBe(0);
    expect(await locksLeft(dir)).toEqual([]);
    await settled(dir);
    const unlocks = (await auditTrail(dir)).filter((r) => r.action === 'unlock');
    expect(unlocks.map((r) => r.outcome)).toEqual(['failed', 'applied']);
    expect(unlocks[0]!.output).toContain('refused');
    expect(unlocks[1]!.output).toContain('removed with --force');
  });
});

/** Terraform's state in S3 (serial and resources), or undefined when there is none. */
async function s3State(s3: S3Client, key: string): Promise<{ serial: number; resources: unknown[] } | undefined> {
  const text = await getText(s3, 'tfo-state', key);
  return text === undefined ? undefined : (JSON.parse(text) as { serial: number; resources: unknown[] });
}

describe('S3 leases under faults (moto)', () => {
  const servers: MotoServer[] = [];
  afterEach(async () => {
    for (const m of servers.splice(0)) {
      try {
        process.kill(m.pid!, 'SIGCONT');
      } catch {
        // gone
      }
      await m.stop();
    }
  });

  async function s3Setup(
    project: string,
    sleepSeconds: number,
  ): Promise<{ dir: string; s3: S3Client; moto: MotoServer; lease: string }> {
    const { moto, s3 } = await startStateServer();
    servers.push(moto);
    const options: S3BackupOptions = {
      bucket: 'tfo-state',
      region: 'us-east-1',
      stateRoleArn: 'arn:aws:iam::123456789012:role/tfo-state',
      endpoints: { s3: moto.endpoint, sts: moto.endpoint, dynamodb: moto.endpoint },
      usePathStyle: true,
      skipCredentialsValidation: true,
      lock: 'lockfile',
      leaseTtlSeconds: 6,
    };
    const dir = await s3Repo(options, { [project]: { a: { sleep_seconds: sleepSeconds } } });
    repos.push(dir);
    return { dir, s3, moto, lease: `tfo-leases/${keyOf(project)}.lease` };
  }

  async function untilLeased(s3: S3Client, lease: string): Promise<{ runId: string; expiresAt: string }> {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const text = await getText(s3, 'tfo-state', lease);
      if (text) return JSON.parse(text) as { runId: string; expiresAt: string };
      await sleep(100);
    }
    throw new Error(`no lease ${lease} within 90 s`);
  }

  /** No lease outlives its TTL: none left, or one that expires within it. */
  async function leaseWithinTtl(s3: S3Client, lease: string): Promise<void> {
    const text = await getText(s3, 'tfo-state', lease);
    if (text)
      expect(Date.parse((JSON.parse(text) as { expiresAt: string }).expiresAt)).toBeLessThanOrEqual(Date.now() + 6000);
  }

  it('tfo state unlock refuses an S3 lease renewed within its TTL, and removes it once it is stale', async () => {
    const { dir, s3, lease } = await s3Setup('lease', 5);
    const key = keyOf('lease');
    const run = tfoS3(['apply'], dir);
    const holder = await untilLeased(s3, lease);
    const refused = await tfoS3(['state', 'unlock', key], dir);
    expect(refused.exitCode, refused.all).toBe(1);
    expect(refused.all).toContain('TFO_ERR_LOCK_LIVE');
    expect(refused.all).toContain(`held by run ${holder.runId}`);
    expect(await getText(s3, 'tfo-state', lease)).toBeDefined();
    const out = await run;
    expect(out.exitCode, out.all).toBe(0);
    expect(await getText(s3, 'tfo-state', lease)).toBeUndefined();

    // a lease left silent past its TTL is stale: removed without --force
    const stale = { ...holder, runId: 'run-silent', expiresAt: new Date(Date.now() - 1000).toISOString() };
    await s3.send(new PutObjectCommand({ Bucket: 'tfo-state', Key: lease, Body: JSON.stringify(stale) }));
    const removed = await tfoS3(['state', 'unlock', key], dir);
    expect(removed.exitCode, removed.all).toBe(0);
    expect(removed.all).toMatch(/it was held by run run-silent .*\n\s+stale: not renewed since it expired/);
    expect(await getText(s3, 'tfo-state', lease)).toBeUndefined();
    expect(await processesLeft(dir)).toEqual([]);
  });

  it('moto paused (SIGSTOP) for a few seconds mid-apply: the run completes or fails cleanly, the lease is released, no process left', async () => {
    const { dir, s3, moto, lease } = await s3Setup('pause', 3);
    const key = keyOf('pause');
    const run = tfoS3(['apply'], dir, { timeout: 240_000 });
    await untilLeased(s3, lease);
    await waitForLog(dir, 'local-exec');
    process.kill(moto.pid!, 'SIGSTOP');
    await sleep(5000);
    process.kill(moto.pid!, 'SIGCONT');
    const resumedAt = Date.now();
    const out = await run;
    expect(out.timedOut, out.all).toBe(false);
    const state = await s3State(s3, key);
    if (out.exitCode === 0) {
      expect(state?.resources, out.all).toHaveLength(1);
      // terraform's state write (after the 3 s provisioner) had to wait for moto to come back
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'tfo-state', Key: key }));
      expect(head.LastModified!.getTime()).toBeGreaterThanOrEqual(resumedAt - 1000);
    } else {
      expect(out.all).toMatch(/fail/i);
    }
    expect(await getText(s3, 'tfo-state', lease), out.all).toBeUndefined();
    expect(await processesLeft(dir)).toEqual([]);
  });

  it('moto killed mid-apply: the run fails cleanly in bounded time, naming the key, and no process is left', async () => {
    const { dir, s3, moto, lease } = await s3Setup('killed', 4);
    const key = keyOf('killed');
    const started = Date.now();
    const run = tfoS3(['apply'], dir, { timeout: 240_000 });
    await untilLeased(s3, lease);
    await waitForLog(dir, 'local-exec');
    await leaseWithinTtl(s3, lease);
    process.kill(moto.pid!, 'SIGKILL');
    const out = await run;
    expect(out.timedOut, out.all).toBe(false);
    expect(out.exitCode, out.all).not.toBe(0);
    expect(out.all).toContain(key);
    expect(Date.now() - started).toBeLessThan(180_000);
    // the lease died with moto's memory; what matters is that tfo did not hang releasing it
    expect(await processesLeft(dir)).toEqual([]);
  });
});
