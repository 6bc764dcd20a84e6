// Fault scenarios of a key's state (issue 9): a damaged state is never a first deployment,
// post-apply backups make a restore right after an apply lossless, a restore that cannot know
// its orphans says so, and a state terraform could not save (a full disk) is pushed safely.
// The full-disk scenarios mount a small tmpfs (tests run as root; CI too) and unmount it after.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { resolveTerraformBinary } from '@tfo/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  byKey,
  slowRepo,
  slowTfvars,
  tempDir,
  REPO,
  tfo,
  tfoJson,
  writeConfig,
  type JsonResult,
} from '../../packages/cli/test/support.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3BackupOptions } from '../../packages/plugin-s3-backup/src/options.js';
import {
  byKey as s3ByKey,
  keyOf as s3KeyOf,
  s3Repo,
  tfo as s3Tfo,
  tfoJson as s3TfoJson,
} from '../../packages/plugin-s3-backup/test/e2e-support.js';
import { getText, startStateServer } from '../../packages/plugin-s3-backup/test/support.js';
import { filesUnder, killAll, locksLeft, processesLeft, stateIdentity, waitForLog } from './invariants.js';

const KEY = 's3/acme-dev/us-east-1/app/terraform.tfstate';
const TFVARS = 'dev/app/app.tfvars';
const mounts: string[] = [];
const repos: string[] = [];

afterEach(async () => {
  for (const dir of repos.splice(0)) await killAll(dir);
  for (const m of mounts.splice(0)) await execa('umount', ['-l', m], { reject: false });
});

async function repo(buckets: Parameters<typeof slowTfvars>[0]): Promise<string> {
  const dir = await slowRepo({ [TFVARS]: slowTfvars(buckets) });
  repos.push(dir);
  return dir;
}

const statePath = (dir: string): string => path.join(dir, '.tfo/state', KEY);
const setInputs = (dir: string, buckets: Parameters<typeof slowTfvars>[0]): Promise<void> =>
  writeFile(path.join(dir, 'deployments', TFVARS), slowTfvars(buckets));

async function applied(dir: string): Promise<JsonResult['deployments'][number]> {
  const run = await tfoJson(['apply'], dir);
  const d = byKey(run.result, KEY);
  expect(run.code, run.output).toBe(0);
  return d;
}

/** How many times terraform started creating `address` across every run of the repo. */
async function creations(dir: string, address: string): Promise<number> {
  let n = 0;
  const runs = path.join(dir, '.tfo/runs');
  for (const f of (await filesUnder(runs)).filter((x) => x.endsWith('terraform.log'))) {
    n += (await readFile(path.join(runs, f), 'utf8')).split(`${address}: Creating...`).length - 1;
  }
  return n;
}

/** The invariants every scenario ends with: no process of the repo left, no lock left. */
async function settled(dir: string): Promise<void> {
  expect(await processesLeft(dir)).toEqual([]);
  expect(await locksLeft(dir)).toEqual([]);
}

/** A run stopped by the state guard: failed before plan, with the key, the damage and the way out named. */
async function expectStopped(dir: string, damage: RegExp): Promise<void> {
  const run = await tfoJson(['apply'], dir);
  expect(run.code, run.output).toBe(1);
  const d = byKey(run.result, KEY);
  expect(d.status).toBe('failed');
  expect(d.error?.code).toBe('TFO_ERR_STATE_DAMAGED');
  // the guard runs in the init stage, before terraform init: no terraform command at all
  expect(d.error?.stage).toBe('init');
  expect(d.error?.message).toContain(KEY);
  expect(d.error?.message).toMatch(damage);
  expect(d.error?.message).toContain(`tfo state history ${KEY}`);
  expect(d.error?.message).toContain(`tfo state restore ${KEY}`);
  // stopped before terraform planned anything
  expect(d.timings.map((t) => t.stage)).not.toContain('apply');
  const log = await readFile(path.join(run.result.run.dir, 's3__acme-dev__us-east-1__app/terraform.log'), 'utf8');
  expect(log).not.toMatch(/^\$ terraform /m);
}

/** A small tmpfs, unmounted after the test. */
async function tmpfs(sizeKb: number): Promise<string> {
  const dir = await tempDir('tfo-tmpfs-');
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Fills a filesystem to the last byte (a write past its end fails with ENOSPC). */
async function fill(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'fill'), Buffer.alloc(4 * 1024 * 1024)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err;
  });
  await expect(writeFile(path.join(dir, 'probe'), 'x')).rejects.toMatchObject({ code: 'ENOSPC' });
}

/** From now on the repo's terraform is the real one, except that `disk` is freed the moment an apply ends. */
async function freeDiskAfterApply(dir: string, disk: string): Promise<void> {
  const wrapper = path.join(dir, 'terraform-freeing-disk.mjs');
  await writeFile(
    wrapper,
    `#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
const out = spawnSync(${JSON.stringify(resolveTerraformBinary('auto', REPO))}, process.argv.slice(2), { stdio: 'inherit' });
if (process.argv[2] === 'apply') rmSync(${JSON.stringify(path.join(disk, 'fill'))}, { force: true });
process.exit(out.status ?? 1);
`,
    { mode: 0o755 },
  );
  const config = JSON.parse(await readFile(path.join(dir, 'orchestrator.config.json'), 'utf8')) as object;
  await writeConfig(dir, { ...config, terraformBinary: wrapper });
}

describe('state faults', () => {
  it('a 0-byte state of a deployed key stops before plan: nothing re-created, the state bytes untouched', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    const before = await stateIdentity(statePath(dir));
    await writeFile(statePath(dir), '');
    await expectStopped(dir, /is empty \(0 bytes\)/);
    expect((await readFile(statePath(dir))).length).toBe(0);
    expect(await creations(dir, 'terraform_data.bucket["a"]')).toBe(1);
    // the way out the message names works, and the next run finds nothing to do
    const restore = await tfo(['state', 'restore', KEY], dir);
    expect(restore.exitCode, restore.all).toBe(0);
    expect((await applied(dir)).status).toBe('no-changes');
    expect(await stateIdentity(statePath(dir))).toEqual(before);
    await settled(dir);
  });

  it('a state of another lineage stops before plan and is left as it is', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    const known = (await stateIdentity(statePath(dir)))!;
    const foreign = JSON.stringify({ version: 4, serial: 3, lineage: 'foreign-lineage', outputs: {}, resources: [] });
    await writeFile(statePath(dir), foreign);
    await expectStopped(dir, new RegExp(`of lineage foreign-lineage where ${known.lineage} was expected`));
    expect(await readFile(statePath(dir), 'utf8')).toBe(foreign);
    expect(await creations(dir, 'terraform_data.bucket["a"]')).toBe(1);
    await settled(dir);
  });

  it('a deleted state stops before plan; an unreadable one too', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    await rm(statePath(dir));
    await expectStopped(dir, /is missing/);
    expect(existsSync(statePath(dir))).toBe(false);
    await writeFile(statePath(dir), '{"version": 4, "serial": ');
    await expectStopped(dir, /is unreadable/);
    expect(await creations(dir, 'terraform_data.bucket["a"]')).toBe(1);
    await settled(dir);
  });

  it('a genuine first deployment still applies: after a plan-only run, over the empty file terraform leaves', async () => {
    const dir = await repo({ a: {} });
    expect((await tfoJson(['plan'], dir)).code).toBe(0);
    await mkdir(path.dirname(statePath(dir)), { recursive: true });
    await writeFile(statePath(dir), '');
    expect((await applied(dir)).status).toBe('applied');
    expect((await stateIdentity(statePath(dir)))?.addresses).toEqual(['terraform_data.bucket["a"]']);
    await settled(dir);
  });

  it('a restore right after an apply loses nothing: it puts back the post-apply backup', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    await setInputs(dir, { a: {}, b: {} });
    await applied(dir);
    const after = await stateIdentity(statePath(dir));
    const history = JSON.parse((await tfo(['state', 'history', KEY, '--json'], dir)).stdout) as {
      backups: Array<{ kind: string; serial: number }>;
    };
    expect(history.backups.map((b) => b.kind)).toEqual(['post-apply', 'pre-apply', 'post-apply']);
    const restore = await tfo(['state', 'restore', KEY, '--json'], dir);
    expect(restore.exitCode, restore.all).toBe(0);
    const out = JSON.parse(restore.stdout) as { backup: { kind: string }; orphaned: string[] };
    expect(out.backup.kind).toBe('post-apply');
    expect(out.orphaned).toEqual([]);
    expect(await stateIdentity(statePath(dir))).toEqual(after);
    expect((await applied(dir)).status).toBe('no-changes');
    await settled(dir);
  });

  it('a restore over an unreadable state after a failed apply says its orphans are unknown', async () => {
    /** A key whose last apply failed (recovered): its pre-apply backup is the newest, no post-apply one. */
    const garbled = async (): Promise<string> => {
      const dir = await repo({ a: {} });
      await applied(dir);
      await setInputs(dir, { a: {}, b: { fail: true } });
      const failed = await tfoJson(['apply'], dir);
      expect(byKey(failed.result, KEY).status, failed.output).toBe('recovered');
      await writeFile(statePath(dir), 'not a state');
      return dir;
    };
    const dir = await garbled();
    const text = await tfo(['state', 'restore', KEY], dir);
    expect(text.exitCode, text.all).toBe(0);
    expect(text.stdout).toMatch(
      /orphaned resources: unknown \(the current state is unreadable and the last apply \(backup of .*\) left no post-apply backup\)/,
    );
    expect(text.stdout).not.toMatch(/no resources orphaned/);
    expect((await stateIdentity(statePath(dir)))?.addresses).toEqual(['terraform_data.bucket["a"]']);
    await settled(dir);

    const other = await garbled();
    const json = await tfo(['state', 'restore', KEY, '--json'], other);
    expect(json.exitCode, json.all).toBe(0);
    const out = JSON.parse(json.stdout) as { orphaned: unknown; orphansUnknown: string };
    expect(out.orphaned).toBeNull();
    expect(out.orphansUnknown).toMatch(/the current state is unreadable/);
    await settled(other);
  });

  it('ENOSPC on the state folder during apply: the state terraform kept is pushed once space is freed; nothing is created twice', async () => {
    const dir = await repo({ a: {} });
    const disk = await tmpfs(64);
    await mkdir(path.join(dir, '.tfo'), { recursive: true });
    await symlink(disk, path.join(dir, '.tfo/state'));
    await applied(dir);
    const before = (await stateIdentity(statePath(dir)))!;
    await setInputs(dir, { a: {}, b: { sleep_seconds: 2 } });
    const run = tfoJson(['apply'], dir);
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    await fill(disk);
    const { result } = await run;
    const d = byKey(result, KEY);
    expect(d.status).toBe('failed');
    const kept = path.join(dir, '.tfo/errored', KEY);
    expect(d.recovery?.detail).toContain(kept);
    expect(d.recovery?.detail).toContain('state push -force');
    expect((await stateIdentity(kept))?.addresses).toEqual([
      'terraform_data.bucket["a"]',
      'terraform_data.bucket["b"]',
    ]);
    // the state on the full disk is still the one before the apply
    expect(await stateIdentity(statePath(dir))).toEqual(before);
    await rm(path.join(disk, 'fill'));
    await rm(path.join(disk, 'probe'), { force: true });
    // the next run pushes the kept state (same lineage, serial not older) before it plans
    expect((await applied(dir)).status).toBe('no-changes');
    const now = (await stateIdentity(statePath(dir)))!;
    expect(now.lineage).toBe(before.lineage);
    expect(now.addresses).toEqual(['terraform_data.bucket["a"]', 'terraform_data.bucket["b"]']);
    expect(existsSync(kept)).toBe(false);
    expect(await creations(dir, 'terraform_data.bucket["b"]')).toBe(1);
    await settled(dir);
  });

  it('ENOSPC on the state folder, freed before recovery: the kept state is pushed in the same run; nothing is created twice', async () => {
    const dir = await repo({ a: {} });
    const disk = await tmpfs(64);
    await mkdir(path.join(dir, '.tfo'), { recursive: true });
    await symlink(disk, path.join(dir, '.tfo/state'));
    await applied(dir);
    const before = (await stateIdentity(statePath(dir)))!;
    await freeDiskAfterApply(dir, disk);
    await setInputs(dir, { a: {}, b: { sleep_seconds: 2 } });
    const run = tfoJson(['apply'], dir);
    await waitForLog(dir, 'terraform_data.bucket["b"]: Creating...');
    await fill(disk);
    const { result, output } = await run;
    const d = byKey(result, KEY);
    expect(d.error?.message, output).toMatch(/no space left on device/);
    expect(d.status, output).toBe('recovered');
    expect(d.recovery?.action).toBe('none');
    expect(d.recovery?.detail).toMatch(/pushed the state it kept .* a fresh plan shows no changes/);
    const now = (await stateIdentity(statePath(dir)))!;
    expect(now.lineage).toBe(before.lineage);
    expect(now.addresses).toEqual(['terraform_data.bucket["a"]', 'terraform_data.bucket["b"]']);
    expect(existsSync(path.join(dir, '.tfo/errored', KEY))).toBe(false);
    expect((await applied(dir)).status).toBe('no-changes');
    expect(await creations(dir, 'terraform_data.bucket["b"]')).toBe(1);
    await settled(dir);
  });

  it('ENOSPC tearing the state file itself: the next run puts the last backup back, pushes the kept state; nothing is created twice', async () => {
    const dir = await repo({ a: {} });
    const disk = await tmpfs(64);
    await mkdir(path.join(dir, '.tfo'), { recursive: true });
    await symlink(disk, path.join(dir, '.tfo/state'));
    await applied(dir);
    // a second apply leaves terraform's own terraform.tfstate.backup: its next rewrite fits in place
    await setInputs(dir, { a: {}, b: {} });
    await applied(dir);
    const before = (await stateIdentity(statePath(dir)))!;
    // a state that outgrows its page: terraform truncates the file, then cannot write it whole
    const big = 'x'.repeat(3000);
    await setInputs(dir, { a: {}, b: {}, c: { note: big, sleep_seconds: 2 } });
    const run = tfoJson(['apply'], dir);
    await waitForLog(dir, 'terraform_data.bucket["c"]: Creating...');
    await fill(disk);
    const { result, output } = await run;
    const d = byKey(result, KEY);
    expect(d.status, output).toBe('failed');
    expect(await stateIdentity(statePath(dir)), 'the state file is torn').toBeUndefined();
    const kept = path.join(dir, '.tfo/errored', KEY);
    expect(d.recovery?.detail).toContain(kept);
    await rm(path.join(disk, 'fill'));
    await rm(path.join(disk, 'probe'), { force: true });

    expect((await applied(dir)).status).toBe('no-changes');
    const now = (await stateIdentity(statePath(dir)))!;
    expect(now.lineage).toBe(before.lineage);
    expect(now.addresses).toEqual(['a', 'b', 'c'].map((k) => `terraform_data.bucket["${k}"]`));
    expect(existsSync(kept)).toBe(false);
    expect(await creations(dir, 'terraform_data.bucket["c"]')).toBe(1);
    // the torn bytes were kept as a backup before anything was written over them
    const history = JSON.parse((await tfo(['state', 'history', KEY, '--json'], dir)).stdout) as {
      backups: Array<{ kind: string }>;
    };
    expect(history.backups.map((b) => b.kind)).toContain('pre-restore');
    await settled(dir);
  });

  it('ENOSPC tearing the state file, freed before recovery: the last backup goes back and the kept state is pushed in the same run', async () => {
    const dir = await repo({ a: {} });
    const disk = await tmpfs(64);
    await mkdir(path.join(dir, '.tfo'), { recursive: true });
    await symlink(disk, path.join(dir, '.tfo/state'));
    await applied(dir);
    await setInputs(dir, { a: {}, b: {} });
    await applied(dir);
    const before = (await stateIdentity(statePath(dir)))!;
    await freeDiskAfterApply(dir, disk);
    await setInputs(dir, { a: {}, b: {}, c: { note: 'x'.repeat(3000), sleep_seconds: 2 } });
    const run = tfoJson(['apply'], dir);
    await waitForLog(dir, 'terraform_data.bucket["c"]: Creating...');
    await fill(disk);
    const { result, output } = await run;
    const d = byKey(result, KEY);
    expect(d.error?.message, output).toMatch(/Failed to write state/);
    expect(d.status, output).toBe('recovered');
    expect(d.recovery?.action).toBe('none');
    const now = (await stateIdentity(statePath(dir)))!;
    expect(now.lineage).toBe(before.lineage);
    expect(now.addresses).toEqual(['a', 'b', 'c'].map((k) => `terraform_data.bucket["${k}"]`));
    const history = JSON.parse((await tfo(['state', 'history', KEY, '--json'], dir)).stdout) as {
      backups: Array<{ kind: string }>;
    };
    expect(history.backups.map((b) => b.kind)).toContain('pre-restore');
    expect((await applied(dir)).status).toBe('no-changes');
    expect(await creations(dir, 'terraform_data.bucket["c"]')).toBe(1);
    await settled(dir);
  });

  it('a kept state of another lineage is not pushed: the key stops and the exact command is named', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    const kept = path.join(dir, '.tfo/errored', KEY);
    await mkdir(path.dirname(kept), { recursive: true });
    await writeFile(kept, JSON.stringify({ version: 4, serial: 9, lineage: 'elsewhere', outputs: {}, resources: [] }));
    const before = await readFile(statePath(dir));
    const run = await tfoJson(['apply'], dir);
    const d = byKey(run.result, KEY);
    expect(d.error?.code).toBe('TFO_ERR_STATE_UNSAVED');
    expect(d.error?.message).toMatch(/lineage elsewhere is not the key's/);
    expect(d.error?.message).toContain(`state push -force ${kept}`);
    expect(await readFile(statePath(dir))).toEqual(before);
    expect(existsSync(kept)).toBe(true);
    await settled(dir);
  });

  it('ENOSPC on the backups folder: the backup fails, nothing is applied, the error names the path', async () => {
    const dir = await repo({ a: {} });
    await applied(dir);
    const disk = await tmpfs(64);
    await cp(path.join(dir, '.tfo/backups'), disk, { recursive: true });
    await rm(path.join(dir, '.tfo/backups'), { recursive: true });
    await symlink(disk, path.join(dir, '.tfo/backups'));
    await fill(disk);
    const listed = await filesUnder(disk);
    const before = await readFile(statePath(dir));
    await setInputs(dir, { a: {}, b: {} });
    const run = await tfoJson(['apply'], dir);
    expect(run.code).toBe(1);
    const d = byKey(run.result, KEY);
    expect(d.status).toBe('failed');
    expect(d.error?.stage).toBe('backup');
    expect(d.error?.code).toBe('TFO_ERR_BACKUP_FAILED');
    expect(d.error?.message).toContain(path.join(dir, '.tfo/backups', KEY));
    expect(d.error?.message).toMatch(/no space left on device/);
    expect(await readFile(statePath(dir))).toEqual(before);
    expect(await creations(dir, 'terraform_data.bucket["b"]')).toBe(0);
    // no partial backup left behind
    expect((await filesUnder(disk)).filter((f) => f !== 'probe')).toEqual(listed.filter((f) => f !== 'probe'));
    await settled(dir);
  });
});

describe('state faults on S3 (moto)', () => {
  it('an S3 state emptied to 0 bytes stops before plan; restore brings it back and nothing is re-created', async () => {
    const { moto, s3, db } = await startStateServer();
    try {
      const key = s3KeyOf('echo');
      const options: S3BackupOptions = {
        bucket: 'tfo-state',
        region: 'us-east-1',
        stateRoleArn: 'arn:aws:iam::123456789012:role/tfo-state',
        endpoints: { s3: moto.endpoint, sts: moto.endpoint, dynamodb: moto.endpoint },
        usePathStyle: true,
        skipCredentialsValidation: true,
        lock: 'both',
        dynamodbTable: 'tfo-locks',
      };
      const dir = await s3Repo(options, { echo: { a: { note: 'v1' } } });
      repos.push(dir);
      const first = await s3TfoJson(['apply'], dir);
      expect(first.code, first.output).toBe(0);
      const good = await getText(s3, 'tfo-state', key);
      await s3.send(new PutObjectCommand({ Bucket: 'tfo-state', Key: key, Body: '' }));

      const run = await s3TfoJson(['apply'], dir);
      expect(run.code, run.output).toBe(1);
      const d = s3ByKey(run.result, key);
      expect(d.error?.code).toBe('TFO_ERR_STATE_DAMAGED');
      expect(d.error?.message).toMatch(/is empty \(0 bytes\)/);
      expect(d.error?.message).toContain(`tfo state restore ${key}`);
      expect(await getText(s3, 'tfo-state', key)).toBe('');

      const restore = await s3Tfo(['state', 'restore', key], dir);
      expect(restore.exitCode, restore.all).toBe(0);
      expect(await getText(s3, 'tfo-state', key)).toBe(good);
      const again = await s3TfoJson(['apply'], dir);
      expect(s3ByKey(again.result, key).status, again.output).toBe('no-changes');
      await settled(dir);
    } finally {
      s3.destroy();
      db.destroy();
      await moto.stop();
    }
  });
});
