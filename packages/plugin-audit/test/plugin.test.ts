import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, executeRun, planDigest, STAGE, type EngineEvents, type Plugin, type RunMode } from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { audit, auditDir, queryFile, verifyChain, type AuditEntry, type AuditSink } from '../src/index.js';
import { removeTempDirs, tempDir } from './support.js';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await removeTempDirs();
});

const PROJECTS = ['api', 'data', 'web'];

/** Answers every lifecycle hook so that no terraform runs. */
const fakeTerraform: Plugin = {
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
      ctx.log('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n');
      return true;
    });
    engine.hooks.verify.tapPromise(t, async (ctx) => {
      ctx.verify = { ok: true, detail: 'fake' };
    });
  },
};

async function makeEngine(plugins: Plugin[]): Promise<Engine> {
  const dir = await tempDir();
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\n');
  for (const p of PROJECTS) {
    await mkdir(path.join(dir, 'deployments', p), { recursive: true });
    await writeFile(
      path.join(dir, 'deployments', p, `${p}.tfvars`),
      'account_key = "dev"\nregion_code = "use1"\ns3_buckets = { a = { versioning = true } }\n',
    );
  }
  const config = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath,
    providerMirror: 'none',
  });
  const engine = new Engine(resolveSettings(config, dir, { maxWorkers: 3 }), [fakeTerraform, ...plugins]);
  engines.push(engine);
  return engine;
}

const failing = (name: string): AuditSink => ({
  name,
  write: async () => {
    throw new Error('bucket is gone');
  },
});

describe('audit plugin', () => {
  it.each<RunMode>(['apply', 'plan'])(
    'writes one chained record per deployment to the file sink (%s)',
    async (mode) => {
      const engine = await makeEngine([audit()]);
      const result = await executeRun(engine, { mode });
      expect(result.exitCode).toBe(0);
      const dir = auditDir(engine);
      expect(dir).toBe(path.join(engine.settings.stateDir, 'audit'));
      expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 3 });
      const records = await queryFile(dir);
      expect(records.map((r) => r.deployment.project).sort()).toEqual(PROJECTS);
      for (const r of records) {
        expect(r.action).toBe(mode);
        expect(r.runId).toBe(result.run.id);
        expect(r.outcome).toBe(mode === 'apply' ? 'applied' : 'planned');
        expect(r.planSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(r.stages.map((s) => s.stage)).toContain('plan');
      }
      if (mode === 'apply') expect(records[0]!.output).toContain('Apply complete!');
    },
  );

  it('gives every sink the same entry, all at once', async () => {
    const seen: AuditEntry[] = [];
    const memory: AuditSink = { name: 'memory', write: async (e) => void seen.push(e) };
    const engine = await makeEngine([
      audit({ sinks: [memory, { name: 'memory2', write: async (e) => void seen.push(e) }] }),
    ]);
    await executeRun(engine, { mode: 'apply' });
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((e) => e.id)).size).toBe(3);
  });

  it('a sink that throws is a run problem naming the sink: exit 1, other sinks still write', async () => {
    const engine = await makeEngine([audit({ sinks: [audit().options.sinks[0]!, failing('s3-archive')] })]);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.map((d) => d.status)).toEqual(['applied', 'applied', 'applied']);
    expect(result.problems).toEqual([
      { plugin: 'audit', message: 'audit sink s3-archive failed for 3 record(s): bucket is gone' },
    ]);
    expect(result.exitCode).toBe(1);
    expect(await verifyChain(auditDir(engine))).toMatchObject({ ok: true, records: 3 });
  });

  it("onSinkFailure 'warn' emits a warning notice and keeps exit 0", async () => {
    const engine = await makeEngine([audit({ sinks: [failing('webhook')], onSinkFailure: 'warn' })]);
    const notices: Array<EngineEvents['notice']> = [];
    engine.events.on('notice', (n) => notices.push(n));
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.problems).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(notices).toContainEqual({
      level: 'warn',
      message: 'audit sink webhook failed for 3 record(s): bucket is gone',
    });
  });

  it("stores the engine record's error and plan digest, and keeps nothing of its own from `settled`", async () => {
    const failingApply: Plugin = {
      name: 'test:fail-apply',
      apply(engine) {
        // before the fake's apply tap, which would report success
        engine.hooks.apply.tapPromise({ name: 'test:fail-apply', stage: STAGE.NORMAL - 1 }, async (ctx) => {
          if (ctx.deployment.project === 'web') throw new Error('the provider refused');
          return undefined;
        });
      },
    };
    const engine = await makeEngine([failingApply, audit()]);
    expect(engine.hooks.settled.taps.map((t) => t.name)).not.toContain('audit');
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.find((d) => d.project === 'web')?.status).toBe('failed');
    const records = await queryFile(auditDir(engine));
    const plan = planDigest({ format_version: '1.2', resource_changes: [] });
    for (const r of records) expect(r.planSha256).toBe(plan);
    const web = records.find((r) => r.deployment.project === 'web')!;
    expect(web.outcome).toBe('failed');
    expect(web.error).toMatchObject({ stage: 'apply', plugin: 'test:fail-apply' });
    expect(web.error?.message).toContain('the provider refused');
    expect(records.filter((r) => r.deployment.project !== 'web').map((r) => r.error)).toEqual([null, null]);
    expect(await verifyChain(auditDir(engine))).toMatchObject({ ok: true, records: 3 });
  });

  it('validates its options', () => {
    expect(() => audit({ sinks: [] })).toThrow(/TFO_ERR_CONFIG_INVALID|sinks/);
    expect(() => audit({ sinks: [{ name: 'x' } as unknown as AuditSink] })).toThrow(/expected a sink/);
    expect(() => audit({ sinks: [failing('a'), failing('a')] })).toThrow(/share one name/);
    expect(() => audit({ onSinkFailure: 'ignore' as 'warn' })).toThrow(/onSinkFailure/);
    expect(audit().provides).toEqual(['audit']);
  });
});
