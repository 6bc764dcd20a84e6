// The built CLI with s3Backup() over the fixture module: terraform's real `backend "s3"` against a
// moto server on 127.0.0.1 (started here), versioned backups, recovery, restore, and tfo's leases.
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotoServer } from '../../../scripts/lib/moto.mjs';
import type { S3BackupOptions } from '../src/options.js';
import {
  byKey,
  explain,
  keyOf,
  parseRun,
  s3Repo,
  tfo,
  tfoJson,
  writeProject,
  type DeploymentJson,
  type RunJson,
} from './e2e-support.js';
import { getText, startStateServer } from './support.js';

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

function plugin(extra: Partial<S3BackupOptions> = {}): S3BackupOptions {
  return {
    bucket: 'tfo-state',
    region: 'us-east-1',
    stateRoleArn: 'arn:aws:iam::123456789012:role/tfo-state',
    endpoints: { s3: moto.endpoint, sts: moto.endpoint, dynamodb: moto.endpoint },
    usePathStyle: true,
    skipCredentialsValidation: true,
    lock: 'both',
    dynamodbTable: 'tfo-locks',
    ...extra,
  };
}

async function stateOf(key: string): Promise<{ serial: number; lineage: string; resources: unknown[] } | undefined> {
  const text = await getText(s3, 'tfo-state', key);
  return text ? (JSON.parse(text) as never) : undefined;
}

async function expectStatus(d: DeploymentJson, status: string): Promise<void> {
  if (d.status !== status) expect.fail(`expected ${status}, got ${await explain(d)}`);
}

describe('tfo with s3Backup against moto', () => {
  it('(a) applies into the bucket at the shard key, then re-applies as no-changes', async () => {
    const key = keyOf('alpha');
    const dir = await s3Repo(plugin(), { alpha: { a: { note: 'v1' } } });
    const first = await tfoJson(['apply'], dir);
    expect(first.code, first.output).toBe(0);
    await expectStatus(byKey(first.result, key), 'applied');

    const head = await s3.send(new HeadObjectCommand({ Bucket: 'tfo-state', Key: key }));
    expect(head.ServerSideEncryption).toBe('AES256');
    const state = await stateOf(key);
    expect(state?.serial).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(state?.resources)).toContain('"v1"');
    // nothing of it in the local embedded backend
    await expect(readFile(`${dir}/.tfo/state/${key}`)).rejects.toThrow();
    // the lease is released after the run
    expect(await getText(s3, 'tfo-state', `tfo-leases/${key}.lease`)).toBeUndefined();

    const again = await tfoJson(['apply'], dir);
    expect(again.code, again.output).toBe(0);
    await expectStatus(byKey(again.result, key), 'no-changes');
  });

  it('(b) recovers a failed apply by re-applying the last good inputs', async () => {
    const key = keyOf('bravo');
    const good = { a: { note: 'good' } };
    const dir = await s3Repo(plugin(), { bravo: good });
    const first = await tfoJson(['apply'], dir);
    await expectStatus(byKey(first.result, key), 'applied');
    const goodState = await stateOf(key);

    await writeProject(dir, 'bravo', { ...good, b: { note: 'bad', fail: true } });
    const bad = await tfoJson(['apply'], dir);
    const d = byKey(bad.result, key);
    expect(bad.code, bad.output).not.toBe(0);
    expect(d.error?.stage, await explain(d)).toBe('apply');
    await expectStatus(d, 'recovered');
    expect(d.recovery).toMatchObject({ action: 'reapply-last-good', ok: true });
    expect(d.timings.map((t) => t.stage)).toContain('recover');

    // same lineage, and the failed entry is gone from state
    const after = await stateOf(key);
    expect(after?.lineage).toBe(goodState?.lineage);
    expect(JSON.stringify(after?.resources)).not.toContain('"bad"');
    // a backup of the good state exists
    const backups = await s3.send(new ListObjectsV2Command({ Bucket: 'tfo-state', Prefix: `backups/${key}.` }));
    expect((backups.Contents ?? []).some((o) => o.Key!.endsWith('.json'))).toBe(true);

    await writeProject(dir, 'bravo', good);
    const check = await tfoJson(['plan'], dir);
    expect(check.code, check.output).toBe(0);
    await expectStatus(byKey(check.result, key), 'no-changes');
  });

  it('(c) state restore --force keeps the DynamoDB digest valid: a plain plan works at once', async () => {
    const key = keyOf('charlie');
    const dir = await s3Repo(plugin(), { charlie: { a: { note: 'v1' } } });
    await expectStatus(byKey((await tfoJson(['apply'], dir)).result, key), 'applied');
    const v1 = await stateOf(key);
    await writeProject(dir, 'charlie', { a: { note: 'v2' } });
    await expectStatus(byKey((await tfoJson(['apply'], dir)).result, key), 'applied');
    expect(JSON.stringify((await stateOf(key))?.resources)).toContain('"v2"');

    // the newest backup is the post-apply one (v2); the pre-apply one of the second apply holds v1
    const history = JSON.parse((await tfo(['state', 'history', key, '--json'], dir)).stdout) as {
      backups: Array<{ kind: string; location: string }>;
    };
    expect(history.backups.map((b) => b.kind)).toEqual(['post-apply', 'pre-apply', 'post-apply']);
    const to = history.backups[1]!.location.split('versionId=')[1]!;
    const restored = await tfo(['state', 'restore', key, '--to', to, '--force'], dir);
    expect(restored.exitCode, restored.all).toBe(0);
    const now = await stateOf(key);
    expect(now?.serial).toBe(v1?.serial);
    expect(JSON.stringify(now?.resources)).toContain('"v1"');
    const digest = await db.send(
      new GetItemCommand({ TableName: 'tfo-locks', Key: { LockID: { S: `tfo-state/${key}-md5` } } }),
    );
    const bytes = Buffer.from((await getText(s3, 'tfo-state', key))!);
    expect(digest.Item?.Digest?.S).toBe(createHash('md5').update(bytes).digest('hex'));

    // terraform compares the state's md5 with the digest item: a stale digest fails this plan
    const plan = await tfoJson(['plan'], dir, { timeout: 240_000 });
    const d = byKey(plan.result, key);
    expect(plan.code, await explain(d)).toBe(0);
    await expectStatus(d, 'planned'); // the restored state has v1; the inputs say v2
    expect(d.changes).toMatchObject({ add: 0, change: 1, destroy: 0 });
  });

  it('(d) two runs on the same keys at once never apply one key at the same time', async () => {
    const projects = ['delta1', 'delta2', 'delta3'];
    const opts = plugin({ leaseWaitSeconds: 300, leaseTtlSeconds: 30 });
    // two checkouts (two CI jobs) with different inputs for the same keys
    const dirs = await Promise.all(
      ['one', 'two'].map((tag) =>
        s3Repo(opts, Object.fromEntries(projects.map((p) => [p, { a: { note: `${tag}`, sleep_seconds: 3 } }]))),
      ),
    );
    const runs = await Promise.all(dirs.map((dir) => tfo(['apply', '--json'], dir, { timeout: 500_000 })));
    const results: RunJson[] = runs.map((r, i) => parseRun(r.stdout, r.all, `run ${i}`));
    const windows = new Map<string, Array<{ run: number; start: number; end: number }>>();
    for (const [i, result] of results.entries()) {
      expect(result.deployments.map((d) => d.key).sort()).toEqual(projects.map(keyOf).sort());
      for (const d of result.deployments) {
        if (d.status === 'failed') {
          // the only acceptable failure: a clean lease refusal
          expect(d.error?.code, await explain(d)).toBe('TFO_ERR_LOCKED');
          continue;
        }
        expect(['applied', 'no-changes'], await explain(d)).toContain(d.status);
        for (const t of d.timings.filter((t) => t.stage === 'apply')) {
          expect(t.endedAt).toBeDefined();
          const list = windows.get(d.key) ?? [];
          list.push({ run: i, start: t.startedAt, end: t.endedAt! });
          windows.set(d.key, list);
        }
      }
    }
    // both runs had changes to make (different notes), so both applied every key they did not fail
    for (const [key, list] of windows) {
      const sorted = [...list].sort((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i++) {
        expect(sorted[i]!.start, `${key}: apply windows overlap ${JSON.stringify(sorted)}`).toBeGreaterThanOrEqual(
          sorted[i - 1]!.end,
        );
      }
      // the state holds the inputs of the run that applied last
      const last = sorted.at(-1)!;
      expect(JSON.stringify((await stateOf(key))?.resources)).toContain(`"${last.run === 0 ? 'one' : 'two'}"`);
    }
    expect(
      [...windows.values()].some((l) => l.length === 2),
      'some key was applied by both runs',
    ).toBe(true);
    for (const p of projects) expect(await getText(s3, 'tfo-state', `tfo-leases/${keyOf(p)}.lease`)).toBeUndefined();
  });

  it('(e) a killed run leaves its lease; the next run breaks it at once (its pid is gone), long before its TTL, and applies', async () => {
    const key = keyOf('echo');
    // a TTL far longer than the whole case: waiting it out would show
    const opts = plugin({ leaseTtlSeconds: 120, leaseWaitSeconds: 300 });
    const dir = await s3Repo(opts, { echo: { a: { note: 'v1', sleep_seconds: 3 } } }, '', true);
    const killed = tfo(['apply'], dir);
    // progress lines (no TTY) name the stage each deployment enters
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`apply never started:\n${seen}`)), 180_000);
      killed.all!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/\bapply\s+\S*echo/.test(seen)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    killed.kill('SIGKILL');
    const dead = await killed;
    expect(dead.signal).toBe('SIGKILL');
    const lease = await getText(s3, 'tfo-state', `tfo-leases/${key}.lease`);
    expect(lease, 'the killed run left its lease behind').toBeDefined();
    const holder = JSON.parse(lease!) as { runId: string; pid: number; pidStart?: string; expiresAt: string };
    expect(holder.pid).toBe(killed.pid);
    expect(holder.pidStart, 'the lease names its pid start time').toMatch(/^\d+$/);

    await writeProject(dir, 'echo', { a: { note: 'v2' } });
    const next = await tfoJson(['apply'], dir, { timeout: 300_000 });
    const d = byKey(next.result, key);
    await expectStatus(d, 'applied');
    const lock = d.timings.find((t) => t.stage === 'lock')!;
    // it did not wait for the dead holder's TTL: the lease was broken as soon as it was seen
    expect(lock.endedAt!).toBeLessThan(Date.parse(holder.expiresAt) - 60_000);
    // the run first reconciles the killed one (its log under reconcile/), and that breaks the lease
    const reconcileLog = d.logFile.replace(/\/([^/]+)\/terraform\.log$/, '/reconcile/$1/terraform.log');
    const log = (await readFile(d.logFile, 'utf8')) + (await readFile(reconcileLog, 'utf8').catch(() => ''));
    expect(log).toMatch(new RegExp(`broke the lease of run ${holder.runId} .*: pid ${holder.pid} is gone on `));
    // the break is audited as an unlock of the key
    const trail = await tfo(['audit', 'query', '--action', 'unlock', '--output', '--json'], dir);
    expect(trail.exitCode, trail.all).toBe(0);
    const unlocks = (JSON.parse(trail.stdout) as { records: Array<{ deployment: { key: string } }> }).records;
    expect(unlocks.map((r) => r.deployment.key)).toEqual([key]);
    expect(JSON.stringify(unlocks)).toContain(`pid ${holder.pid} is gone on `);
    expect(JSON.stringify((await stateOf(key))?.resources)).toContain('"v2"');
    expect(await getText(s3, 'tfo-state', `tfo-leases/${key}.lease`)).toBeUndefined();
  });
});
