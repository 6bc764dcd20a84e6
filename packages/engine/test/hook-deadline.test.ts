import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type TfoConfigInput } from '../src/config/config-schema.js';
import { Engine } from '../src/run/engine.js';
import { exitCodeFor, TfoError } from '../src/errors.js';
import { hookDeadlineMs, withDeadline } from '../src/run/hook-deadline.js';
import { STAGE } from '../src/run/hooks.js';
import type { Plugin } from '../src/run/plugin.js';
import { executeRun } from '../src/run/run.js';
import { resolveSettings } from '../src/config/settings.js';

const dirs: string[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;
const never = (): Promise<never> => new Promise<never>(() => undefined);

function config(extra: Partial<TfoConfigInput> = {}) {
  return configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath,
    providerMirror: 'none',
    ...extra,
  });
}

/** Two deployments (api, web) whose every hook a fake plugin answers: no terraform runs. */
async function engineWith(
  plugins: Plugin[],
  extra: Partial<TfoConfigInput> = {},
  state: Plugin = fake(),
): Promise<Engine> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-deadline-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\n');
  for (const p of ['api', 'web']) {
    await mkdir(path.join(dir, 'deployments', p), { recursive: true });
    await writeFile(
      path.join(dir, 'deployments', p, `${p}.tfvars`),
      'account_key = "dev"\nregion_code = "use1"\ns3_buckets = { a = {} }\n',
    );
  }
  const engine = new Engine(resolveSettings(config(extra), dir, { maxWorkers: 2 }), [state, ...plugins]);
  engines.push(engine);
  return engine;
}

/** A state plugin answering every hook; its lease and rollback take `slowMs`. */
function fake(slowMs = 0): Plugin {
  const name = 'test:fake';
  const slow = (): Promise<void> => new Promise((r) => setTimeout(r, slowMs));
  return {
    name,
    provides: ['state'],
    apply(engine) {
      const t = { name, stage: STAGE.DEFAULT };
      engine.hooks.lock.tapPromise(t, async (ctx) => {
        await slow();
        return { key: ctx.deployment.key, holder: 't', release: async () => {} };
      });
      engine.hooks.plan.tapPromise(t, async () => ({
        hasChanges: true,
        planFile: 'x',
        json: {},
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      }));
      engine.hooks.apply.tapPromise(t, async (ctx) => {
        if (ctx.deployment.project === 'web') throw new Error('apply broke');
        return true;
      });
      engine.hooks.recover.tapPromise(t, async () => {
        await slow();
        return { action: 'none', ok: true, detail: 'fake', durationMs: 0, by: name };
      });
    },
  };
}

/** A plugin with one tap on `hook` (at NORMAL, before the fake's defaults) for the `web` deployment. */
function on(hook: 'lock' | 'validate' | 'recover', fn: () => Promise<unknown>): Plugin {
  return {
    name: 'test:slow',
    apply(engine) {
      const hooks = engine.hooks as unknown as Record<
        string,
        { tapPromise(o: object, f: (...a: unknown[]) => unknown): void }
      >;
      hooks[hook]!.tapPromise({ name: 'test:slow', stage: STAGE.NORMAL }, async (ctx: unknown) =>
        (ctx as { deployment: { project: string } }).deployment.project === 'web' ? fn() : undefined,
      );
    },
  };
}

describe('hook deadlines', () => {
  it('a tap that never settles fails its deployment by plugin and hook with TFO_ERR_HOOK_TIMEOUT', async () => {
    const engine = await engineWith([on('validate', never)], { hookTimeoutSeconds: { validate: 1 } });
    const started = Date.now();
    const result = await executeRun(engine, { mode: 'plan' });
    expect(Date.now() - started).toBeLessThan(5000);
    const web = result.deployments.find((d) => d.key === keyOf('web'))!;
    expect(web.status).toBe('failed');
    expect(web.error).toMatchObject({ stage: 'validate', plugin: 'test:slow', code: 'TFO_ERR_HOOK_TIMEOUT' });
    expect(web.error?.message).toBe(
      'plugin "test:slow" failed in validate: did not settle within 1 s (hookTimeoutSeconds.validate in the config)',
    );
    expect(result.deployments.find((d) => d.key === keyOf('api'))?.status).toBe('planned');
    expect(result.exitCode).toBe(1);
  });

  it('a lease granted after its deadline is released when it arrives', async () => {
    let released = 0;
    const lateLease = async (): Promise<unknown> => {
      await new Promise((r) => setTimeout(r, 1500));
      return { key: keyOf('web'), holder: 'late', release: async () => void (released += 1) };
    };
    const engine = await engineWith([on('lock', lateLease)], { hookTimeoutSeconds: { lock: 1 } });
    const notices: string[] = [];
    engine.events.on('notice', (n) => notices.push(n.message));
    const result = await executeRun(engine, { mode: 'plan' });
    expect(result.deployments.find((d) => d.key === keyOf('web'))?.error).toMatchObject({
      stage: 'lock',
      code: 'TFO_ERR_HOOK_TIMEOUT',
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(released).toBe(1);
    expect(notices).toContain('plugin "test:slow" granted a lease after its deadline: released it');
  });

  it.each([
    ['throws', () => Promise.reject(new Error('restore exploded')), 'restore exploded'],
    ['never settles', never, 'did not settle within 1 s (hookTimeoutSeconds.recover in the config)'],
  ])('a recover tap that %s is a failed manual recovery naming plugin and cause', async (_, fn, cause) => {
    const engine = await engineWith([on('recover', fn)], { hookTimeoutSeconds: { recover: 1 } });
    const audited: Array<{ action: string; outcome: string; detail?: string }> = [];
    engine.hooks.audit.tapPromise('test:sink', async (r) => {
      audited.push({ action: r.action, outcome: r.outcome, detail: r.recovery?.detail });
    });
    const result = await executeRun(engine, { mode: 'apply' });
    const web = result.deployments.find((d) => d.key === keyOf('web'))!;
    expect(web.status).toBe('failed');
    expect(web.recovery).toMatchObject({
      action: 'manual',
      ok: false,
      by: 'test:slow',
      detail: `recovery failed: plugin "test:slow" in recover: ${cause}`,
    });
    expect(audited).toContainEqual({ action: 'recover', outcome: 'failed', detail: web.recovery!.detail });
  });
});

describe("a state plugin's own waits", () => {
  it("its lease and rollback are not cut by a short configured deadline (they wait on terraform's own)", async () => {
    const engine = await engineWith([], { hookTimeoutSeconds: { default: 1 } }, fake(1500));
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.find((d) => d.key === keyOf('api'))?.status).toBe('applied');
    const web = result.deployments.find((d) => d.key === keyOf('web'))!;
    expect(web.error).toMatchObject({ stage: 'apply', message: expect.stringContaining('apply broke') });
    expect(web.recovery).toMatchObject({ action: 'none', ok: true, by: 'test:fake' });
  });
});

describe('hookDeadlineMs', () => {
  const settings = resolveSettings(
    config({ timeoutSeconds: 600, interruptGraceSeconds: 30, lockTimeoutSeconds: 120 }),
    '/x',
  );

  it('defaults: 300 s for plugin hooks; terraform hooks the deployment timeout + grace + margin; lease the lock wait + margin', () => {
    expect(hookDeadlineMs(settings, 'validate')).toBe(300_000);
    expect(hookDeadlineMs(settings, 'discover')).toBe(300_000);
    expect(hookDeadlineMs(settings, 'apply')).toBe(660_000);
    expect(hookDeadlineMs(settings, 'recover')).toBe(660_000);
    expect(hookDeadlineMs(settings, 'lock')).toBe(180_000);
  });

  it('a configured deadline binds plugin taps, but never cuts the engine terraform taps or a state plugin below terraform', () => {
    const short = resolveSettings(
      config({ timeoutSeconds: 600, interruptGraceSeconds: 30, hookTimeoutSeconds: { default: 2, verify: 5 } }),
      '/x',
    );
    expect(hookDeadlineMs(short, 'plan')).toBe(2000);
    expect(hookDeadlineMs(short, 'verify')).toBe(5000);
    expect(hookDeadlineMs(short, 'plan', { terraform: true })).toBe(660_000);
    // the terraform default's init tap runs terraform init; a plugin's init tap is a plugin tap
    expect(hookDeadlineMs(short, 'init', { terraform: true })).toBe(660_000);
    expect(hookDeadlineMs(short, 'init')).toBe(2000);
    expect(hookDeadlineMs(short, 'recover', { terraform: true })).toBe(2000);
    expect(hookDeadlineMs(short, 'recover', { state: true })).toBe(660_000);
    expect(hookDeadlineMs(short, 'lock', { state: true })).toBe(660_000);
    expect(hookDeadlineMs(short, 'backup', { state: true })).toBe(2000);
  });

  it('withDeadline passes values and errors through in time', async () => {
    await expect(withDeadline(Promise.resolve(1), 50, () => new Error('late'))).resolves.toBe(1);
    await expect(withDeadline(Promise.reject(new Error('own')), 50, () => new Error('late'))).rejects.toThrow('own');
    await expect(withDeadline(never(), 20, () => new Error('late'))).rejects.toThrow('late');
  });
});

describe('numeric settings from the environment', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });
  const usage = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(TfoError);
      expect(exitCodeFor(err)).toBe(3);
      return (err as Error).message;
    }
    throw new Error('expected a usage error');
  };

  it.each(['abc', '0', '65', '2.5', '-1'])('TFO_MAX_WORKERS=%s is a usage error naming the range', (value) => {
    process.env.TFO_MAX_WORKERS = value;
    expect(usage(() => resolveSettings(config(), '/x'))).toBe(
      `environment variable TFO_MAX_WORKERS: must be an integer from 1 to 64, not "${value}"`,
    );
  });

  it('a valid TFO_MAX_WORKERS overrides the config, an explicit value overrides both, and both are checked', () => {
    process.env.TFO_MAX_WORKERS = '7';
    expect(resolveSettings(config({ maxWorkers: 3 }), '/x').maxWorkers).toBe(7);
    expect(resolveSettings(config(), '/x', { maxWorkers: 2 }).maxWorkers).toBe(2);
    expect(usage(() => resolveSettings(config(), '/x', { maxWorkers: 100_000 }))).toContain('from 1 to 64');
    process.env.TFO_POOL_SIZE = 'many';
    expect(usage(() => resolveSettings(config(), '/x'))).toContain('TFO_POOL_SIZE');
  });
});
