import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreFromBackups } from '../src/state/backups.js';
import { unsafeToPush } from '../src/state/errored-state.js';
import { History } from '../src/state/history.js';
import { LocalStateStore } from '../src/state/local-state.js';
import type { BackupRecord, StateFingerprint } from '../src/model.js';
import { fingerprintBytes, fingerprintFile } from '../src/state/state-file.js';
import { damageOf, knownStateOf, tapStateGuard } from '../src/state/state-guard.js';
import { configSchema } from '../src/config/config-schema.js';
import { resolveSettings } from '../src/config/settings.js';
import { Engine } from '../src/run/engine.js';
import type { PluginError, TfoError } from '../src/errors.js';
import type { DeploymentContext } from '../src/model.js';

const KEY = 's3/acme-dev/us-east-1/web/terraform.tfstate';
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function state(serial: number, lineage: string, keys: string[] = ['a']): Buffer {
  const resources = keys.length
    ? [{ mode: 'managed', type: 'terraform_data', name: 'x', instances: keys.map((k) => ({ index_key: k })) }]
    : [];
  return Buffer.from(JSON.stringify({ version: 4, serial, lineage, outputs: {}, resources }));
}

async function setup(): Promise<{ store: LocalStateStore; history: History; put: (b: Buffer) => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-guard-'));
  dirs.push(dir);
  const store = new LocalStateStore(path.join(dir, '.tfo'), { retentionDays: 30, keepLast: 10 });
  const put = async (bytes: Buffer): Promise<void> => {
    await mkdir(path.dirname(store.statePath(KEY)), { recursive: true });
    await writeFile(store.statePath(KEY), bytes);
  };
  return { store, history: new History(path.join(dir, '.tfo/history')), put };
}

const entry = (status: 'planned' | 'blocked' | 'failed' | 'recovered' | 'applied') => ({
  runId: `run-${status}`,
  at: new Date().toISOString(),
  file: 'x.tfvars',
  status,
  durationMs: 1,
  sha256: '0',
});

describe('knownStateOf: what makes a key deployed before', () => {
  it('plan-only, blocked, failed and recovered runs leave a first deployment; an applied one does not', async () => {
    const { store, history } = await setup();
    expect(await knownStateOf(KEY, store, history)).toEqual({});
    for (const s of ['planned', 'blocked', 'failed', 'recovered'] as const) await history.append(KEY, entry(s));
    expect((await knownStateOf(KEY, store, history)).deployed).toBeUndefined();
    await history.append(KEY, entry('applied'));
    expect((await knownStateOf(KEY, store, history)).deployed).toMatch(/applied by run run-applied/);
  });

  it('any backup makes a key known; its lineage comes from the newest backup that is not a pre-restore copy', async () => {
    const { store, history, put } = await setup();
    await put(state(1, 'L1'));
    await store.backup(KEY, 't', 'post-apply');
    await put(state(2, 'damaged'));
    await store.backup(KEY, 't', 'pre-restore');
    const known = await knownStateOf(KEY, store, history);
    expect(known.deployed).toMatch(/2 backup\(s\)/);
    expect(known.last).toMatchObject({ kind: 'post-apply', lineage: 'L1', serial: 1 });
  });
});

describe('damageOf', () => {
  const known = { deployed: 'yes', last: { lineage: 'L1', location: '/b' } as BackupRecord };
  const fp = (bytes?: Buffer): StateFingerprint => fingerprintBytes(bytes);
  it.each([
    ['missing', fp(undefined), 'missing'],
    ['empty', { exists: false, readable: false, empty: true }, 'empty (0 bytes)'],
    ['unreadable', fp(Buffer.from('{')), 'unreadable (not a terraform state)'],
    ['another lineage', fp(state(1, 'L2')), 'of lineage L2 where L1 was expected (the lineage of backup /b)'],
  ])('a known key whose state is %s is damaged', (_name, current, expected) => {
    expect(damageOf(current as StateFingerprint, known)).toBe(expected);
  });

  it('a known key of its own lineage, and any state of a first deployment, are not', () => {
    expect(damageOf(fingerprintBytes(state(3, 'L1')), known)).toBeUndefined();
    expect(damageOf({ exists: false, readable: false, empty: true }, {})).toBeUndefined();
    expect(damageOf(fingerprintBytes(state(3, 'L9')), {})).toBeUndefined();
  });

  it('an empty file is no state to fingerprintFile, but says it is empty', async () => {
    const { store, put } = await setup();
    await put(Buffer.alloc(0));
    expect(await fingerprintFile(store.statePath(KEY))).toEqual({ exists: false, readable: false, empty: true });
  });
});

describe('unsafeToPush: when a kept errored state may be pushed with -force', () => {
  const kept = fingerprintBytes(state(4, 'L1', ['a', 'b']));
  it.each([
    ['same lineage, newer serial', kept, fingerprintBytes(state(3, 'L1')), {}, undefined],
    ['same serial (what a refused final write leaves)', kept, fingerprintBytes(state(4, 'L1')), {}, undefined],
    [
      'current unreadable, known lineage matches',
      kept,
      fingerprintBytes(Buffer.from('{')),
      { lineage: 'L1' },
      undefined,
    ],
    ['not a state', fingerprintBytes(Buffer.from('x')), fingerprintBytes(state(3, 'L1')), {}, /not a readable/],
    [
      'another lineage than the current',
      kept,
      fingerprintBytes(state(3, 'L2')),
      {},
      /lineage L1 is not the key's \(L2\)/,
    ],
    ['another lineage than known', kept, { exists: false, readable: false }, { lineage: 'L2' }, /lineage L1/],
    ['older than the current', kept, fingerprintBytes(state(5, 'L1')), {}, /serial 4 is older than the key's \(5\)/],
    ['older than known', kept, fingerprintBytes(Buffer.from('{')), { lineage: 'L1', serial: 6 }, /older/],
  ])('%s', (_name, k, current, known, expected) => {
    const why = unsafeToPush(k, current, known);
    if (expected === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(expected);
  });
});

describe('restore: orphans against the current state, the last post-apply backup, or unknown', () => {
  const byFile = (b: BackupRecord): Promise<StateFingerprint> => fingerprintFile(b.location!);

  it('against the current state when it is readable', async () => {
    const { store, put } = await setup();
    await put(state(1, 'L', ['a']));
    await store.backup(KEY, 't', 'pre-apply');
    await put(state(2, 'L', ['a', 'b']));
    const out = await restoreFromBackups(store, KEY, {}, byFile);
    expect(out.orphaned).toEqual(['terraform_data.x["b"]']);
    expect(out.orphansAgainst).toMatch(/current state \(serial 2\)/);
  });

  it('against the post-apply backup when the state is unreadable; the newest known-good is restored', async () => {
    const { store, put } = await setup();
    await put(state(1, 'L', ['a']));
    await store.backup(KEY, 't', 'pre-apply');
    await put(state(2, 'L', ['a', 'b']));
    await store.backup(KEY, 't', 'post-apply');
    await put(Buffer.from('garbage'));
    const out = await restoreFromBackups(store, KEY, {}, byFile);
    expect(out.backup.kind).toBe('post-apply');
    expect(out.orphaned).toEqual([]);
    expect(out.orphansAgainst).toMatch(/post-apply backup .* since the current state is unreadable/);
    expect((await store.fingerprint(KEY)).serial).toBe(2);
  });

  it('restoring an older backup over an unreadable state lists what the last post-apply state held', async () => {
    const { store, put } = await setup();
    await put(state(1, 'L', ['a']));
    const { record: old } = await store.backup(KEY, 't', 'pre-apply');
    await put(state(2, 'L', ['a', 'b']));
    await store.backup(KEY, 't', 'post-apply');
    await put(Buffer.alloc(0));
    const out = await restoreFromBackups(store, KEY, { to: path.basename(old.location!) }, byFile);
    expect(out.orphaned).toEqual(['terraform_data.x["b"]']);
    expect(out.orphansAgainst).toMatch(/since the current state is empty \(0 bytes\)/);
  });

  it('unknown, with why, when the last apply left no post-apply backup', async () => {
    const { store, put } = await setup();
    await put(state(1, 'L', ['a']));
    await store.backup(KEY, 't', 'pre-apply');
    await rm(store.statePath(KEY));
    const out = await restoreFromBackups(store, KEY, {}, byFile);
    expect(out.orphaned).toBeUndefined();
    expect(out.orphansUnknown).toMatch(/the current state is missing and the last apply .* left no post-apply backup/);
    expect((await store.fingerprint(KEY)).serial).toBe(1);
  });
});

describe('LocalStateStore.backup failures', () => {
  it('a backup that cannot be written is TFO_ERR_BACKUP_FAILED naming the path, and leaves no file', async () => {
    const { store, put } = await setup();
    await put(state(1, 'L'));
    // stand-in for a full disk here (the e2e fault test fills a real tmpfs): the folder is a file
    await mkdir(path.dirname(store.backupRoot), { recursive: true });
    await writeFile(store.backupRoot, 'not a folder');
    await expect(store.backup(KEY, 't')).rejects.toMatchObject({
      code: 'TFO_ERR_BACKUP_FAILED',
      message: expect.stringContaining(path.join(store.backupRoot, KEY)),
    });
    expect(await readdir(path.dirname(store.backupRoot))).toEqual(['backups', 'state']);
  });
});

describe('the state guard on the init hook', () => {
  async function guarded(): Promise<{ engine: Engine; ctx: (reconciling: boolean) => DeploymentContext }> {
    const { store, put } = await setup();
    // setup's store and history are under <root>/.tfo, where the engine's settings put them
    const root = store.statePath(KEY).slice(0, -`/.tfo/state/${KEY}`.length);
    const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'acme-dev', id: '111111111111' } } });
    const engine = new Engine(resolveSettings(config, root), [
      { name: 'test:guard', apply: (e) => tapStateGuard(e, 'test:guard', store) },
    ]);
    // deployed before (an applied run in its history), and now its state is 0 bytes
    await engine.history.append(KEY, { ...entry('applied'), runId: 'run-1' });
    await put(Buffer.alloc(0));
    const ctx = (reconciling: boolean) =>
      ({
        deployment: { key: KEY },
        backend: {},
        log: () => undefined,
        ...(reconciling ? { reconciling: true } : {}),
      }) as unknown as DeploymentContext;
    return { engine, ctx };
  }

  it('stops a deployed key whose state is empty before terraform init', async () => {
    const { engine, ctx } = await guarded();
    const err = await engine.hooks.init.promise({ path: 'p' }, ctx(false)).catch((e: unknown) => e);
    expect((err as PluginError).code).toBe('TFO_ERR_PLUGIN');
    expect(((err as PluginError).cause as TfoError).code).toBe('TFO_ERR_STATE_DAMAGED');
  });

  it('lets reconcile of an interrupted run through (recovery repairs that state), with the settings passed on', async () => {
    const { engine, ctx } = await guarded();
    const c = ctx(true);
    expect(await engine.hooks.init.promise({ path: 'p' }, c)).toEqual({ path: 'p' });
    // each init tap sees the settings of the taps before it
    expect(c.backend).toEqual({ path: 'p' });
  });
});
