import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TfoError } from '../src/errors.js';
import { LocalStateStore } from '../src/state/local-state.js';
import type { Failure, StateFingerprint } from '../src/model.js';
import { decideRecovery, type RecoveryPolicy } from '../src/state/recovery.js';
import { fingerprintBytes } from '../src/state/state-file.js';

const KEY = 's3/acme-dev/us-east-1/web/terraform.tfstate';
const dirs: string[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A terraform-shaped state document holding terraform_data.x[<each index key>]. */
function state(serial: number, lineage: string, keys: string[] = ['a']): Buffer {
  const doc = {
    version: 4,
    terraform_version: '1.11.4',
    serial,
    lineage,
    outputs: {},
    resources: keys.length
      ? [
          {
            mode: 'managed',
            type: 'terraform_data',
            name: 'x',
            provider: 'provider["terraform.io/builtin/terraform"]',
            instances: keys.map((k) => ({ index_key: k, attributes: {} })),
          },
        ]
      : [],
  };
  return Buffer.from(JSON.stringify(doc, null, 2));
}

const fp = (bytes?: Buffer): StateFingerprint => fingerprintBytes(bytes);
const MISSING = fp(undefined);
const UNREADABLE = fp(Buffer.from('{"version": 4, "serial": '));
const applyFailed: Failure = { stage: 'apply', error: new Error('apply failed') };
const verifyFailed: Failure = { stage: 'verify', error: new Error('still changes') };
type Policy = Pick<RecoveryPolicy, 'mode' | 'firstDeployment'>;
const REAPPLY: Policy = { mode: 'reapply', firstDeployment: 'destroy-created' };
const RAW: Policy = { mode: 'raw-restore', firstDeployment: 'destroy-created' };
const KEEP: Policy = { mode: 'reapply', firstDeployment: 'keep' };

describe('decideRecovery', () => {
  const s1 = fp(state(1, 'L1', ['a']));
  const partial = fp(state(2, 'L1', ['a', 'b']));

  type Row = [string, StateFingerprint | undefined, StateFingerprint, Failure, Policy, boolean, string];
  const rows: Row[] = [
    ['unchanged state', s1, fp(state(1, 'L1', ['a'])), applyFailed, REAPPLY, true, 'none'],
    ['unchanged state, raw-restore', s1, s1, applyFailed, RAW, true, 'none'],
    ['no state before (undefined) nor after', undefined, MISSING, applyFailed, REAPPLY, true, 'none'],
    ['no state before nor after', MISSING, MISSING, applyFailed, REAPPLY, false, 'none'],
    ['state gone after', s1, MISSING, applyFailed, REAPPLY, true, 'restore-backup'],
    ['state unreadable after', s1, UNREADABLE, applyFailed, REAPPLY, false, 'restore-backup'],
    ['other lineage after', s1, fp(state(1, 'L2', ['a'])), applyFailed, REAPPLY, true, 'restore-backup'],
    ['other lineage after, raw-restore', s1, fp(state(5, 'L2')), applyFailed, RAW, false, 'restore-backup'],
    ['partial apply with last good', s1, partial, applyFailed, REAPPLY, true, 'reapply-last-good'],
    ['partial apply, raw-restore', s1, partial, applyFailed, RAW, true, 'raw-restore'],
    ['partial apply, raw-restore, no last good', s1, partial, applyFailed, RAW, false, 'raw-restore'],
    ['partial apply, no last good', s1, partial, applyFailed, REAPPLY, false, 'manual'],
    ['first deployment (undefined before)', undefined, partial, applyFailed, REAPPLY, false, 'destroy-created'],
    ['first deployment', MISSING, partial, applyFailed, REAPPLY, false, 'destroy-created'],
    ['first deployment, keep', MISSING, partial, applyFailed, KEEP, false, 'manual'],
    [
      'first deployment, raw-restore has nothing to restore',
      MISSING,
      partial,
      applyFailed,
      RAW,
      false,
      'destroy-created',
    ],
    ['prior state with no resources', fp(state(3, 'L1', [])), partial, applyFailed, REAPPLY, false, 'destroy-created'],
    ['prior state with no resources, keep', fp(state(3, 'L1', [])), partial, applyFailed, KEEP, false, 'manual'],
    ['no state before, unreadable after', MISSING, UNREADABLE, applyFailed, REAPPLY, true, 'manual'],
    ['verify failed, state unchanged, last good', s1, s1, verifyFailed, REAPPLY, true, 'reapply-last-good'],
    ['verify failed, state unchanged, raw-restore', s1, s1, verifyFailed, RAW, false, 'raw-restore'],
    ['verify failed, state unchanged, no last good', s1, s1, verifyFailed, REAPPLY, false, 'manual'],
    ['verify failed after a first deployment', MISSING, partial, verifyFailed, REAPPLY, false, 'destroy-created'],
    ['verify failed, state gone', s1, MISSING, verifyFailed, REAPPLY, true, 'restore-backup'],
  ];
  it.each(
    rows.map(([name, before, after, failure, policy, hasLastGood, expected]) => ({
      name,
      before,
      after,
      failure,
      policy,
      hasLastGood,
      expected,
    })),
  )('$name → $expected', ({ before, after, failure, policy, hasLastGood, expected }) => {
    expect(decideRecovery(before, after, failure, policy, hasLastGood)).toBe(expected);
  });
});

async function store(retention = { retentionDays: 30, keepLast: 5 }): Promise<LocalStateStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-state-'));
  dirs.push(dir);
  return new LocalStateStore(path.join(dir, '.tfo'), retention);
}

async function writeState(s: LocalStateStore, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(s.statePath(KEY)), { recursive: true });
  await writeFile(s.statePath(KEY), bytes);
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('LocalStateStore', () => {
  it('a backup of a missing (or empty) state records a first deployment and writes nothing', async () => {
    const s = await store();
    const { record, before } = await s.backup(KEY, 'test');
    expect(record).toMatchObject({ key: KEY, firstDeployment: true, by: 'test' });
    expect(record.location).toBeUndefined();
    expect(before.exists).toBe(false);
    await writeState(s, Buffer.alloc(0));
    expect((await s.backup(KEY, 'test')).record.firstDeployment).toBe(true);
    expect(existsSync(s.backupRoot)).toBe(false);
    expect(await s.backups(KEY)).toEqual([]);
  });

  it('a backup copies the bytes and records serial, lineage and sha256', async () => {
    const s = await store();
    const bytes = state(7, 'lin-1', ['a', 'b']);
    await writeState(s, bytes);
    const { record, before } = await s.backup(KEY, 'test');
    expect(record).toMatchObject({
      key: KEY,
      firstDeployment: false,
      serial: 7,
      lineage: 'lin-1',
      sha256: sha256(bytes),
    });
    expect(record.location!.startsWith(path.join(s.backupRoot, 's3/acme-dev/us-east-1/web/terraform.tfstate.'))).toBe(
      true,
    );
    expect(await readFile(record.location!)).toEqual(bytes);
    expect(JSON.parse(await readFile(`${record.location}.json`, 'utf8'))).toEqual(record);
    expect(before).toMatchObject({ exists: true, readable: true, serial: 7 });
    expect(before.addresses).toEqual(['terraform_data.x["a"]', 'terraform_data.x["b"]']);
    expect(await s.backups(KEY)).toEqual([record]);
  });

  it('prune keeps the newest keepLast and deletes only those older than retentionDays', async () => {
    const s = await store({ retentionDays: 30, keepLast: 2 });
    const dir = path.dirname(path.join(s.backupRoot, KEY));
    await mkdir(dir, { recursive: true });
    const ages = { newest: 1, second: 10, young: 20, old1: 40, old2: 50, old3: 400 };
    for (const [name, days] of Object.entries(ages)) {
      const location = path.join(dir, `terraform.tfstate.${name}.backup`);
      const createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
      await writeFile(location, state(1, 'L'));
      await writeFile(
        `${location}.json`,
        JSON.stringify({ key: KEY, location, firstDeployment: false, createdAt, by: 't' }),
      );
    }
    await s.prune(KEY);
    expect((await s.backups(KEY)).map((b) => path.basename(b.location!))).toEqual([
      'terraform.tfstate.newest.backup',
      'terraform.tfstate.second.backup',
      'terraform.tfstate.young.backup',
    ]);
    expect((await readdir(dir)).sort()).toEqual(
      ['newest', 'second', 'young']
        .flatMap((n) => [`terraform.tfstate.${n}.backup`, `terraform.tfstate.${n}.backup.json`])
        .sort(),
    );
  });

  it('keeps the newest keepLast even when all are past retention', async () => {
    const s = await store({ retentionDays: 1, keepLast: 2 });
    const dir = path.dirname(path.join(s.backupRoot, KEY));
    await mkdir(dir, { recursive: true });
    for (const days of [100, 200, 300]) {
      const location = path.join(dir, `terraform.tfstate.d${days}.backup`);
      const createdAt = new Date(Date.now() - days * 86_400_000).toISOString();
      await writeFile(location, 'x');
      await writeFile(
        `${location}.json`,
        JSON.stringify({ key: KEY, location, firstDeployment: false, createdAt, by: 't' }),
      );
    }
    await s.prune(KEY);
    expect((await s.backups(KEY)).map((b) => path.basename(b.location!))).toEqual([
      'terraform.tfstate.d100.backup',
      'terraform.tfstate.d200.backup',
    ]);
  });

  it('restore refuses another lineage unless forced, lists orphans, and backs up what it overwrites', async () => {
    const s = await store();
    const good = state(1, 'lin-A', ['a']);
    await writeState(s, good);
    const { record } = await s.backup(KEY, 'test');
    await sleep(5);
    const other = state(4, 'lin-B', ['a', 'b']);
    await writeState(s, other);

    let err: unknown;
    try {
      await s.restore(KEY, { runId: 'r1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TfoError);
    expect((err as TfoError).code).toBe('TFO_ERR_LINEAGE');
    expect((err as TfoError).message).toContain('lin-A');
    expect((err as TfoError).message).toContain('lin-B');
    expect(await readFile(s.statePath(KEY))).toEqual(other);
    expect(await s.backups(KEY)).toHaveLength(1);

    const out = await s.restore(KEY, { runId: 'r2', force: true });
    expect(out.backup).toEqual(record);
    expect(out.orphaned).toEqual(['terraform_data.x["b"]']);
    expect(await readFile(s.statePath(KEY))).toEqual(good);
    const all = await s.backups(KEY);
    expect(all.map((b) => b.kind)).toEqual(['restored', 'pre-restore', 'pre-apply']);
    expect(all[1]).toMatchObject({ lineage: 'lin-B', serial: 4, by: 'tfo state restore', sha256: sha256(other) });
    expect(await readFile(all[1]!.location!)).toEqual(other);
    // what was put back is recorded too: the next run knows the key's lineage from it
    expect(all[0]).toMatchObject({ lineage: 'lin-A', serial: 1, sha256: sha256(good) });
    // the lock was released
    expect(existsSync(path.join(s.lockRoot, `${KEY}.lock`))).toBe(false);
  });

  it('restore of the same lineage needs no force; a missing backup is TFO_ERR_NO_BACKUP', async () => {
    const s = await store();
    await expect(s.restore(KEY, { runId: 'r' })).rejects.toMatchObject({ code: 'TFO_ERR_NO_BACKUP' });
    await writeState(s, state(1, 'L', ['a']));
    await s.backup(KEY, 'test');
    await sleep(5);
    await writeState(s, state(2, 'L', ['a', 'b', 'c']));
    const out = await s.restore(KEY, { runId: 'r' });
    expect(out.orphaned).toEqual(['terraform_data.x["b"]', 'terraform_data.x["c"]']);
    expect((await s.fingerprint(KEY)).serial).toBe(1);
    expect(await s.backups(KEY)).toHaveLength(3);
  });

  it('two backups of one key in the same millisecond both survive (restore puts back the chosen bytes)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-02T03:04:05.678Z'));
    const s = await store();
    const good = state(1, 'L', ['a']);
    await writeState(s, good);
    await s.backup(KEY, 'test');
    await writeState(s, state(2, 'L', ['a', 'b']));
    await s.restore(KEY, { runId: 'r' });
    expect(await readFile(s.statePath(KEY))).toEqual(good);
    expect((await s.backups(KEY)).map((b) => b.kind)).toEqual(['restored', 'pre-restore', 'pre-apply']);
  });
});
