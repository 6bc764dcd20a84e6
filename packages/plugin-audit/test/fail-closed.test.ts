// The file chain anchored outside the file, and the fail-closed check before a run: a trail cut at
// its end (with HEAD) is found, and a run whose records cannot be stored starts nothing.
// The anchor store here is in memory; test/anchor-sinks.test.ts runs the S3 and DynamoDB ones.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, executeRun, STAGE, type Plugin, type RunMode } from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import {
  audit,
  auditDir,
  canonicalJson,
  fileSink,
  listAuditFiles,
  sealRecord,
  verifyChain,
  verifyTrail,
  HEAD_FILE,
  UNANCHORED_NOTE,
  type AnchorStore,
  type AuditEntry,
  type AuditOptions,
  type AuditSink,
  type ChainAnchor,
  type ChainedAuditRecord,
} from '../src/index.js';
import { entry, removeTempDirs, tempDir } from './support.js';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await removeTempDirs();
});

/** An anchor store (and sink) in memory, which can be taken down. */
class MemoryVault implements AuditSink, AnchorStore {
  readonly name = 'vault';
  readonly anchors = true;
  readonly anchorLocation = 'memory://vault/anchor';
  anchor: ChainAnchor | undefined;
  readonly written: AuditEntry[] = [];
  down = false;
  #check(): void {
    if (this.down) throw new Error('vault is down');
  }
  async write(e: AuditEntry): Promise<void> {
    this.#check();
    this.written.push(e);
  }
  async probe(): Promise<void> {
    this.#check();
  }
  async readAnchor(): Promise<ChainAnchor | undefined> {
    this.#check();
    return this.anchor;
  }
  async advanceAnchor(a: ChainAnchor): Promise<void> {
    this.#check();
    const at = this.anchor;
    if (at && (at.seq > a.seq || (at.seq === a.seq && at.hash !== a.hash))) throw new Error('anchor is ahead');
    this.anchor = a;
  }
}

/** Answers every lifecycle hook so that no terraform runs; counts the applies. */
function fakeTerraform(applied: string[]): Plugin {
  return {
    name: 'test:fake',
    apply(engine) {
      const t = { name: 'test:fake', stage: STAGE.NORMAL };
      engine.hooks.lock.tapPromise(t, async (ctx) => ({
        key: ctx.deployment.key,
        holder: 't',
        release: async () => undefined,
      }));
      engine.hooks.plan.tapPromise(t, async () => ({
        hasChanges: true,
        planFile: 'x',
        json: { format_version: '1.2', resource_changes: [] },
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      }));
      engine.hooks.backup.tapPromise(t, async () => undefined);
      engine.hooks.apply.tapPromise(t, async (ctx) => {
        applied.push(ctx.deployment.key);
        return true;
      });
      engine.hooks.verify.tapPromise(t, async (ctx) => {
        ctx.verify = { ok: true, detail: 'fake' };
      });
    },
  };
}

interface Setup {
  engine: Engine;
  dir: string;
  applied: string[];
  notices: string[];
  run(mode?: RunMode): ReturnType<typeof executeRun>;
}

/** An engine over two deployments; with `base`, over that folder again (a later tfo). */
async function setup(options: AuditOptions, base?: string): Promise<Setup> {
  const root = base ?? (await tempDir());
  if (!base) {
    for (const p of ['api', 'web']) {
      await mkdir(path.join(root, 'deployments', p), { recursive: true });
      await mkdir(path.join(root, 'modules/app'), { recursive: true });
      await writeFile(path.join(root, 'modules/app/main.tf'), 'terraform {}\n');
      await writeFile(
        path.join(root, 'deployments', p, `${p}.tfvars`),
        'account_key = "dev"\nregion_code = "use1"\ns3_buckets = { a = { versioning = true } }\n',
      );
    }
  }
  const config = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath,
    providerMirror: 'none',
  });
  const applied: string[] = [];
  const notices: string[] = [];
  const engine = new Engine(resolveSettings(config, root, { maxWorkers: 2 }), [fakeTerraform(applied), audit(options)]);
  engine.events.on('notice', (n) => notices.push(n.message));
  engines.push(engine);
  return { engine, dir: auditDir(engine), applied, notices, run: (mode = 'apply') => executeRun(engine, { mode }) };
}

const dayFile = async (dir: string): Promise<string> => path.join(dir, (await listAuditFiles(dir)).at(-1)!);

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).trimEnd().split('\n');

describe('anchored file chain', () => {
  it('anchors each record position after the file has it; records carry seq', async () => {
    const vault = new MemoryVault();
    const s = await setup({ sinks: [fileSink(), vault] });
    expect((await s.run()).exitCode).toBe(0);
    expect(vault.anchor).toMatchObject({ seq: 2, version: 1 });
    const records = (await lines(await dayFile(s.dir))).map((l) => JSON.parse(l) as ChainedAuditRecord);
    expect(records.map((r) => r.seq)).toEqual([1, 2]);
    expect(vault.anchor?.hash).toBe(records[1]!.hash);
    expect(vault.anchor?.genesis).toBe(records[0]!.hash);
    const checked = await verifyTrail(s.dir, [vault]);
    expect(checked).toMatchObject({ ok: true, anchors: [{ sink: 'vault', ok: true }] });
    expect(checked.note).toBeUndefined();
  });

  it.each([
    ['HEAD deleted', async (dir: string) => rm(path.join(dir, HEAD_FILE))],
    [
      'HEAD rolled back',
      async (dir: string, prevHash: string) => writeFile(path.join(dir, HEAD_FILE), `${prevHash}\n`),
    ],
  ])(
    'last record removed and %s: the chain still holds, the anchor does not, the next run starts nothing',
    async (_, head) => {
      const vault = new MemoryVault();
      const s = await setup({ sinks: [fileSink(), vault] });
      expect((await s.run()).exitCode).toBe(0);
      const file = await dayFile(s.dir);
      const kept = (await lines(file)).slice(0, -1);
      await writeFile(file, `${kept.join('\n')}\n`);
      await head(s.dir, (JSON.parse(kept.at(-1)!) as ChainedAuditRecord).hash);

      expect(await verifyChain(s.dir)).toMatchObject({ ok: true, records: 1 }); // what the file alone can tell
      const checked = await verifyTrail(s.dir, [vault]);
      expect(checked.ok).toBe(false);
      expect(checked.anchors[0]!.problem).toMatch(
        /names record #2 .* but the file trail ends at record #1: the last 1 record\(s\) were removed/,
      );

      const next = await setup({ sinks: [fileSink(), vault] }, path.dirname(path.dirname(s.dir)));
      await expect(next.run()).rejects.toThrow(
        /plugin "audit" failed in prepare: this apply run cannot be audited, so it starts nothing.*sink vault: anchor memory:\/\/vault\/anchor: .*record\(s\) were removed/,
      );
      expect(next.applied).toEqual([]);
      expect(vault.anchor?.seq).toBe(2); // never moved back
    },
  );

  it('a removed day file is named', async () => {
    const vault = new MemoryVault();
    const s = await setup({ sinks: [fileSink(), vault] });
    await s.run();
    const file = await dayFile(s.dir);
    await rm(file);
    await rm(path.join(s.dir, HEAD_FILE));
    const checked = await verifyTrail(s.dir, [vault]);
    expect(checked.anchors[0]!.problem).toMatch(/holds no records: its day files were removed/);
  });

  it('with a file sink alone, verify holds but says truncation cannot be ruled out', async () => {
    const s = await setup({});
    await s.run();
    const checked = await verifyTrail(s.dir, []);
    expect(checked).toMatchObject({ ok: true, anchors: [], note: UNANCHORED_NOTE });
    expect(UNANCHORED_NOTE).toMatch(/s3Sink|dynamodbSink/);
  });

  it('a chain broken at its tail stops the next run before any deployment', async () => {
    const s = await setup({});
    await s.run();
    const file = await dayFile(s.dir);
    await writeFile(file, `${(await lines(file)).slice(0, -1).join('\n')}\n`); // HEAD still names the removed record
    const next = await setup({}, path.dirname(path.dirname(s.dir)));
    await expect(next.run('plan')).rejects.toThrow(
      /plugin "audit" failed in prepare: this plan run cannot be audited.*sink file: .*HEAD names/,
    );
    expect(next.applied).toEqual([]);
  });

  it('a sink that cannot store stops the run (failClosed) or is reported after it (failClosed: false)', async () => {
    const vault = new MemoryVault();
    vault.down = true;
    const closed = await setup({ sinks: [fileSink(), vault] });
    await expect(closed.run()).rejects.toThrow(/sink vault: vault is down/);
    await expect(closed.run()).rejects.toMatchObject({ code: 'TFO_ERR_AUDIT', plugin: 'audit', hook: 'prepare' });
    expect(closed.applied).toEqual([]);
    expect(await verifyChain(closed.dir)).toMatchObject({ ok: true, records: 0 });

    const open = await setup({ sinks: [fileSink(), vault], failClosed: false });
    const result = await open.run();
    expect(open.applied).toHaveLength(2);
    expect(result.exitCode).toBe(1);
    expect(result.problems).toEqual([
      { plugin: 'audit', message: 'audit sink vault failed for 2 record(s): vault is down' },
    ]);
    expect(open.notices.filter((n) => /audit sink vault did not store apply record/.test(n))).toHaveLength(2);
  });

  it('an anchor left behind (a run that stopped before anchoring) is caught up after re-checking the records since', async () => {
    const vault = new MemoryVault();
    const s = await setup({ sinks: [fileSink(), vault] });
    await s.run();
    const file = await dayFile(s.dir);
    const [first] = (await lines(file)).map((l) => JSON.parse(l) as ChainedAuditRecord);
    vault.anchor = { ...vault.anchor!, seq: 1, hash: first!.hash, id: first!.id };

    const next = await setup({ sinks: [fileSink(), vault] }, path.dirname(path.dirname(s.dir)));
    expect((await next.run()).exitCode).toBe(0);
    expect(next.notices).toContain(
      'audit: records #2–#2 of the file trail were re-checked and anchored in memory://vault/anchor',
    );
    expect(vault.anchor?.seq).toBe(4);

    // a record changed after the anchored one is found before the run, not after
    vault.anchor = { ...vault.anchor!, seq: 1, hash: first!.hash, id: first!.id };
    const all = await lines(file);
    all[2] = all[2]!.replace('"outcome":"applied"', '"outcome":"failed"');
    await writeFile(file, `${all.join('\n')}\n`);
    const third = await setup({ sinks: [fileSink(), vault] }, path.dirname(path.dirname(s.dir)));
    await expect(third.run()).rejects.toThrow(/after the anchored record\): hash mismatch/);
    expect(third.applied).toEqual([]);
  });

  it('continues and anchors a chain written before records had seq', async () => {
    const vault = new MemoryVault();
    const s0 = await setup({ sinks: [fileSink(), vault] });
    const dir = s0.dir;
    await mkdir(dir, { recursive: true });
    const a = sealRecord(entry({ id: 'old-1' }), null);
    const b = sealRecord(entry({ id: 'old-2' }), a.hash);
    await writeFile(path.join(dir, '2025-03-01.jsonl'), `${canonicalJson(a)}\n${canonicalJson(b)}\n`);
    await writeFile(path.join(dir, HEAD_FILE), `${b.hash}\n`);

    expect((await s0.run()).exitCode).toBe(0);
    expect(s0.notices.some((n) => n.includes('the file trail (2 record(s)) is now anchored'))).toBe(true);
    const records = (await lines(await dayFile(dir))).map((l) => JSON.parse(l) as ChainedAuditRecord);
    expect(records.map((r) => r.seq)).toEqual([3, 4]);
    expect(vault.anchor).toMatchObject({ seq: 4, genesis: a.hash });
    expect(await verifyTrail(dir, [vault])).toMatchObject({ ok: true });
  });
});
