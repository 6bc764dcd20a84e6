import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type TfoConfig } from '../src/config/config-schema.js';
import { Engine } from '../src/run/engine.js';
import { exitCodeFor, TfoError } from '../src/errors.js';
import type { EngineEvents } from '../src/run/events.js';
import { STAGE, type HookName } from '../src/run/hooks.js';
import type { DeploymentContext, Finding, RunMode } from '../src/model.js';
import { checkPlugins, type Plugin } from '../src/run/plugin.js';
import { executeRun } from '../src/run/run.js';
import { resolveSettings } from '../src/config/settings.js';

const dirs: string[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const PROJECTS = ['api', 'data', 'web'];
const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;

/** A config folder with three deployments and a root module that terraform is never asked to run. */
async function workspace(): Promise<{ dir: string; config: TfoConfig }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-hooks-'));
  dirs.push(dir);
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
    // resolved by executeRun but never run: a plugin answers plan and apply
    terraformBinary: process.execPath,
    providerMirror: 'none',
  });
  return { dir, config };
}

interface Probe {
  applied: string[];
}

/** Answers every hook so that no terraform runs; `validate` may add findings or throw. */
function fakeTerraform(probe: Probe, validate?: (ctx: DeploymentContext) => void, name = 'test:fake'): Plugin {
  return {
    name,
    apply(engine) {
      const t = { name, stage: STAGE.NORMAL };
      engine.hooks.discover.tap(t, (deployments) => deployments);
      engine.hooks.lock.tapPromise(t, async (ctx) => ({
        key: ctx.deployment.key,
        holder: 'test',
        release: async () => undefined,
      }));
      engine.hooks.init.tap(t, (settings) => ({ ...settings, path: 'unused' }));
      engine.hooks.plan.tapPromise(t, async () => ({
        hasChanges: true,
        planFile: 'x',
        json: {},
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      }));
      engine.hooks.validate.tapPromise(t, async (ctx) => validate?.(ctx));
      engine.hooks.backup.tapPromise(t, async (ctx) => {
        ctx.backup = { key: ctx.deployment.key, firstDeployment: true, createdAt: new Date().toISOString(), by: name };
      });
      engine.hooks.apply.tapPromise(t, async (ctx) => {
        probe.applied.push(ctx.deployment.key);
        return true;
      });
      engine.hooks.verify.tapPromise(t, async (ctx) => {
        ctx.verify = { ok: true, detail: 'fake' };
      });
      engine.hooks.settled.tapPromise(t, async () => undefined);
      engine.hooks.audit.tapPromise(t, async () => undefined);
      engine.hooks.report.tapPromise(t, async () => undefined);
    },
  };
}

async function makeEngine(plugins: Plugin[]): Promise<{ engine: Engine; dir: string }> {
  const { dir, config } = await workspace();
  const engine = new Engine(resolveSettings(config, dir, { maxWorkers: 2 }), plugins);
  engines.push(engine);
  return { engine, dir };
}

/** Records every hook call with the deployment key it was called for. */
function trace(engine: Engine): Array<{ hook: HookName; key?: string | undefined }> {
  const calls: Array<{ hook: HookName; key?: string | undefined }> = [];
  for (const hook of Object.keys(engine.hooks) as HookName[]) {
    const h = engine.hooks[hook] as unknown as { intercept(i: { call: (...args: unknown[]) => void }): void };
    h.intercept({
      call: (...args) => {
        const carrier = (hook === 'init' ? args[1] : args[0]) as { deployment?: { key: string } } | undefined;
        calls.push({ hook, key: carrier?.deployment?.key });
      },
    });
  }
  return calls;
}

const deny = (waived?: Finding['waived']): Finding => ({
  ruleId: 'S3_VERSIONING',
  severity: 'high',
  level: 'deny',
  title: 'versioning',
  message: 'turn versioning on',
  source: 'test:policy',
  waived,
});

describe('engine lifecycle', () => {
  it.each<[RunMode, string[]]>([
    ['apply', ['lock', 'init', 'plan', 'validate', 'backup', 'apply', 'verify', 'settled', 'audit']],
    ['plan', ['lock', 'init', 'plan', 'validate', 'settled', 'audit']],
  ])('calls the hooks of each deployment in lifecycle order (%s)', async (mode, order) => {
    const probe: Probe = { applied: [] };
    const { engine, dir } = await makeEngine([fakeTerraform(probe)]);
    const calls = trace(engine);
    const result = await executeRun(engine, { mode });

    expect(calls[0]).toEqual({ hook: 'discover', key: undefined });
    expect(calls.filter((c) => c.hook === 'discover')).toHaveLength(1);
    expect(calls.filter((c) => c.hook === 'report')).toHaveLength(1);
    expect(calls[calls.length - 1]!.hook).toBe('report');
    for (const p of PROJECTS) {
      expect(calls.filter((c) => c.key === keyOf(p)).map((c) => c.hook)).toEqual(order);
    }
    expect(calls.some((c) => c.hook === 'recover')).toBe(false);
    expect(result.deployments.map((d) => d.status)).toEqual(Array(3).fill(mode === 'apply' ? 'applied' : 'planned'));
    expect(result.exitCode).toBe(0);
    expect(probe.applied.sort()).toEqual(mode === 'apply' ? PROJECTS.map(keyOf) : []);
    // no terraform ran: nothing used a TF_DATA_DIR and no time was spent in terraform
    expect(existsSync(path.join(dir, '.tfo', 'data'))).toBe(false);
    expect(result.deployments.every((d) => d.terraformMs === 0)).toBe(true);
  });

  it('emits deployment:stage events in stage order for each key', async () => {
    const { engine } = await makeEngine([fakeTerraform({ applied: [] })]);
    const stages: Array<EngineEvents['deployment:stage']> = [];
    engine.events.on('deployment:stage', (e) => stages.push(e));
    await executeRun(engine, { mode: 'apply' });
    for (const p of PROJECTS) {
      const mine = stages.filter((s) => s.key === keyOf(p));
      expect(mine.map((s) => s.stage)).toEqual(['lock', 'init', 'plan', 'validate', 'backup', 'apply', 'verify']);
      expect(mine.every((s) => s.file === `deployments/${p}/${p}.tfvars`)).toBe(true);
      expect(new Set(mine.map((s) => s.lane)).size).toBe(1);
      const at = mine.map((s) => s.at);
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }
  });

  it('a throw in validate fails that deployment, stamped with the plugin, stage and code', async () => {
    const probe: Probe = { applied: [] };
    const thrower: Plugin = {
      name: 'test:thrower',
      apply(engine) {
        engine.hooks.validate.tapPromise({ name: 'test:thrower', stage: STAGE.NORMAL }, async (ctx) => {
          if (ctx.deployment.project === 'web') throw new Error('policy engine exploded');
        });
      },
    };
    const { engine, dir } = await makeEngine([fakeTerraform(probe), thrower]);
    const taps: Array<EngineEvents['tap:done']> = [];
    engine.events.on('tap:done', (e) => taps.push(e));
    const result = await executeRun(engine, { mode: 'apply' });

    const web = result.deployments.find((d) => d.project === 'web')!;
    expect(web.status).toBe('failed');
    expect(web.error).toMatchObject({ stage: 'validate', plugin: 'test:thrower', code: 'TFO_ERR_PLUGIN' });
    expect(web.error?.message).toContain('policy engine exploded');
    expect(result.deployments.filter((d) => d.project !== 'web').map((d) => d.status)).toEqual(['applied', 'applied']);
    expect(probe.applied).not.toContain(keyOf('web'));
    expect(result.exitCode).toBe(1);

    const thrown = taps.filter((t) => t.plugin === 'test:thrower' && t.hook === 'validate');
    expect(thrown.find((t) => t.key === keyOf('web'))?.ok).toBe(false);
    expect(thrown.filter((t) => t.key !== keyOf('web')).map((t) => t.ok)).toEqual([true, true]);
    expect(taps.filter((t) => t.plugin === 'test:fake').every((t) => t.ok)).toBe(true);
    expect(existsSync(path.join(dir, '.tfo', 'data'))).toBe(false);
  });

  it('a deny finding blocks: status blocked, exit code 2, apply never called', async () => {
    const probe: Probe = { applied: [] };
    const { engine } = await makeEngine([fakeTerraform(probe, (ctx) => ctx.findings.push(deny()))]);
    const calls = trace(engine);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.map((d) => d.status)).toEqual(['blocked', 'blocked', 'blocked']);
    expect(result.deployments.every((d) => d.findings.length === 1)).toBe(true);
    expect(result.exitCode).toBe(2);
    expect(probe.applied).toEqual([]);
    expect(calls.filter((c) => ['backup', 'apply', 'verify'].includes(c.hook))).toEqual([]);
  });

  it('a waived deny does not block', async () => {
    const probe: Probe = { applied: [] };
    const waived = deny({ reason: 'migration', approver: 'sec', expires: '2999-01-01' });
    const { engine } = await makeEngine([fakeTerraform(probe, (ctx) => ctx.findings.push(waived))]);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.map((d) => d.status)).toEqual(['applied', 'applied', 'applied']);
    expect(result.exitCode).toBe(0);
    expect(probe.applied).toHaveLength(3);
  });
});

describe('plugin registration', () => {
  const plugin = (name: string, dependencies?: string[], applied?: string[]): Plugin => ({
    name,
    dependencies,
    apply(engine) {
      applied?.push(name);
      engine.hooks.validate.tap({ name, stage: STAGE.NORMAL }, () => {
        throw new Error(`${name} must never run`);
      });
    },
  });

  const codeOf = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(TfoError);
      expect(exitCodeFor(err)).toBe(3);
      return (err as TfoError).code;
    }
    throw new Error('expected a throw');
  };

  it('rejects duplicate names and missing or late dependencies', () => {
    expect(codeOf(() => checkPlugins([plugin('a'), plugin('b'), plugin('a')]))).toBe('TFO_ERR_PLUGIN_DUPLICATE');
    expect(codeOf(() => checkPlugins([plugin('a', ['missing'])]))).toBe('TFO_ERR_PLUGIN_DEPENDENCY');
    expect(codeOf(() => checkPlugins([plugin('a', ['b']), plugin('b')]))).toBe('TFO_ERR_PLUGIN_DEPENDENCY');
    expect(() => checkPlugins([plugin('b'), plugin('a', ['b'])])).not.toThrow();
  });

  it('new Engine fails before any plugin is applied or any hook runs', async () => {
    const { dir, config } = await workspace();
    const settings = resolveSettings(config, dir);
    const applied: string[] = [];
    expect(codeOf(() => new Engine(settings, [plugin('x', [], applied), plugin('x', [], applied)]))).toBe(
      'TFO_ERR_PLUGIN_DUPLICATE',
    );
    expect(codeOf(() => new Engine(settings, [plugin('x', [], applied), plugin('y', ['z'], applied)]))).toBe(
      'TFO_ERR_PLUGIN_DEPENDENCY',
    );
    expect(applied).toEqual([]);
    expect(existsSync(path.join(dir, '.tfo'))).toBe(false);
  });

  it('a failing audit sink or settled tap never passes silently: the run reports it and exits 1', async () => {
    const probe: Probe = { applied: [] };
    const brokenSink: Plugin = {
      name: 'test:broken-sink',
      apply(engine) {
        engine.hooks.settled.tapPromise('test:broken-sink', async (ctx) => {
          if (ctx.deployment.key === keyOf('api')) throw new Error('settled tap failed');
        });
        engine.hooks.audit.tapPromise('test:broken-sink', async () => {
          throw new Error('sink unreachable');
        });
      },
    };
    const audited: string[] = [];
    const goodSink: Plugin = {
      name: 'test:good-sink',
      apply(engine) {
        engine.hooks.audit.tapPromise('test:good-sink', async (record) => {
          audited.push(record.action === 'apply' ? record.deployment.key : `${record.action} ${record.deployment.key}`);
        });
      },
    };
    // a waived finding makes a second record for api: it still reaches the good sink
    const waive = (ctx: DeploymentContext): void => {
      if (ctx.deployment.key !== keyOf('api')) return;
      ctx.findings.push({
        ruleId: 'TFO-S3-009',
        severity: 'low',
        level: 'deny',
        title: 'No access logging',
        message: 'aws_s3_bucket.a has no access logging',
        source: 'test',
        waived: { reason: 'a log bucket', approver: 'sec-team', expires: '2999-01-01' },
      });
    };
    const { engine } = await makeEngine([fakeTerraform(probe, waive), brokenSink, goodSink]);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.every((d) => d.status === 'applied')).toBe(true);
    expect(result.exitCode).toBe(1);
    const messages = result.problems.map((p) => p.message);
    expect(
      messages.filter((m) => m.includes('audit of the apply record failed') && m.includes('sink unreachable')),
    ).toHaveLength(PROJECTS.length);
    expect(audited).toContain(`waiver-used ${keyOf('api')}`);
    expect(messages.some((m) => m.includes(`${keyOf('api')}: audit of the waiver-used record failed`))).toBe(true);
    expect(messages.some((m) => m.includes(`${keyOf('api')}: settled failed`))).toBe(true);
    // the audit hook still ran for the deployment whose settled tap threw
    expect(audited).toContain(keyOf('api'));
  });
  it('audits what each deployment did, then a waiver-used record for waived findings and a drift record when verify finds changes', async () => {
    const probe: Probe = { applied: [] };
    const waive = (ctx: DeploymentContext): void => {
      if (ctx.deployment.key !== keyOf('api')) return;
      ctx.findings.push({
        ruleId: 'TFO-S3-009',
        severity: 'low',
        level: 'deny',
        title: 'No access logging',
        message: 'aws_s3_bucket.a has no access logging',
        source: 'test',
        waived: { reason: 'a log bucket', approver: 'sec-team', expires: '2999-01-01' },
      });
    };
    const drift: Plugin = {
      name: 'test:drift',
      apply(engine) {
        engine.hooks.verify.tapPromise({ name: 'test:drift', stage: STAGE.DEFAULT + 1 }, async (ctx) => {
          if (ctx.deployment.key === keyOf('data')) ctx.verify = { ok: false, detail: '1 to change after apply' };
        });
      },
    };
    const records: Array<{ key: string; action: string; findings: number; output: string }> = [];
    const sink: Plugin = {
      name: 'test:sink',
      apply(engine) {
        engine.hooks.audit.tapPromise('test:sink', async (r) => {
          records.push({ key: r.deployment.key, action: r.action, findings: r.findings.length, output: r.output });
        });
      },
    };
    const { engine } = await makeEngine([fakeTerraform(probe, waive), drift, sink]);
    await executeRun(engine, { mode: 'apply' });
    const actionsOf = (p: string): string[] => records.filter((r) => r.key === keyOf(p)).map((r) => r.action);
    expect(actionsOf('api')).toEqual(['apply', 'waiver-used']);
    expect(records.find((r) => r.action === 'waiver-used')).toMatchObject({ findings: 1, output: '' });
    expect(actionsOf('data')).toEqual(['apply', 'drift']); // no plugin here recovers it
    expect(records.find((r) => r.action === 'drift')?.output).toBe('1 to change after apply');
    expect(actionsOf('web')).toEqual(['apply']);
  });
  it('a report tap that throws is a run problem, and the report taps after it still run', async () => {
    const probe: Probe = { applied: [] };
    const ran: string[] = [];
    const reporters: Plugin = {
      name: 'test:reporters',
      apply(engine) {
        engine.hooks.report.tapPromise('test:pr-comment', async () => {
          ran.push('pr-comment');
          throw new Error('GitHub answered 502');
        });
        engine.hooks.report.tap('test:html', () => {
          ran.push('html');
        });
      },
    };
    const { engine } = await makeEngine([fakeTerraform(probe), reporters]);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(ran).toEqual(['pr-comment', 'html']);
    expect(result.problems).toEqual([
      { plugin: 'test:pr-comment', message: expect.stringContaining('GitHub answered 502') },
    ]);
    expect(result.exitCode).toBe(1);
  });
});
