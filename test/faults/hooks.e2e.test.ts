// Fault scenarios of the hooks: a plugin that throws in, or never settles in, each hook; a plugin
// that keeps a handle open; a reader that goes away (EPIPE); an unwritable .tfo; bad numeric
// options; a config without a default export. After each: the exit code, the plugin and hook
// named, result.json written, no lock and no process left, every key's state undamaged, and the
// audit trail holding this run's records and verifying.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO, slowRepo, slowTfvars, tfo, type JsonResult } from '../../packages/cli/test/support.js';
import { filesUnder, killAll, locksLeft, processesLeft, stateIdentity, stoppedRuns } from './invariants.js';

/** Deployment hooks: the deployment named for a hook is the one the plugin fails in it. */
const DEPLOYMENT_HOOKS = [
  'lock',
  'init',
  'plan',
  'validate',
  'backup',
  'apply',
  'verify',
  'recover',
  'settled',
  'audit',
] as const;
type DeploymentHook = (typeof DEPLOYMENT_HOOKS)[number];
type Mode = 'throw' | 'hang';
const MODES: Mode[] = ['throw', 'hang'];
const DEADLINE_S = 2;
const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;

/**
 * The test plugin: in each hook named by FAULT_HOOKS it throws (FAULT_MODE=throw), never settles
 * (hang; a lease instead arrives after its deadline, holding a lock file until released), or
 * leaves an interval running (interval). Deployment hooks fail only the deployment of that name.
 */
const FAULTY_PLUGIN = `import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
const hooks = (process.env.FAULT_HOOKS ?? '').split(',').filter(Boolean);
const mode = process.env.FAULT_MODE ?? '';
const WATERFALL = new Set(['discover', 'init']);
export function faulty() {
  return {
    name: 'faulty',
    apply(engine) {
      for (const hook of Object.keys(engine.hooks)) {
        engine.hooks[hook].tapPromise({ name: 'faulty', stage: -10 }, async (...args) => {
          const carrier = hook === 'init' ? args[1] : args[0];
          const deployment = carrier && !Array.isArray(carrier) ? carrier.deployment : undefined;
          const hit = hooks.includes(hook) && (!deployment || deployment.project === hook);
          const pass = WATERFALL.has(hook) ? args[0] : undefined;
          if (!hit) return pass;
          if (mode === 'throw') throw new Error('faulty broke in ' + hook);
          if (mode === 'interval') {
            setInterval(() => undefined, 1000);
            return pass;
          }
          if (hook === 'lock') {
            await new Promise((r) => setTimeout(r, ${DEADLINE_S * 1000} + 1000));
            const dir = path.join(process.cwd(), '.tfo/locks/faulty');
            const file = path.join(dir, deployment.project + '.lock');
            mkdirSync(dir, { recursive: true });
            writeFileSync(file, 'held by the late lease');
            const release = async () => {
              rmSync(file, { force: true });
              writeFileSync(path.join(process.cwd(), '.tfo/late-lease-released'), deployment.key);
            };
            return { key: deployment.key, holder: 'faulty', release };
          }
          await new Promise(() => undefined);
        });
      }
    },
  };
}
`;

const CONFIG = `import { audit } from '@tfo/plugin-audit';
import base from './orchestrator.config.json' with { type: 'json' };
import { faulty } from './faulty-plugin.mjs';
export default { ...base, maxWorkers: 5, hookTimeoutSeconds: { default: ${DEADLINE_S} }, plugins: [audit(), faulty()] };
`;

function tfvarsOf(hook: string, round: 'seed' | 'fault'): string {
  if (round === 'seed') return slowTfvars({ a: { note: 'v1' } });
  // the rollback deployment's apply fails half-way, so that rollback is called
  return hook === 'recover' ? slowTfvars({ a: { note: 'v2' }, b: { fail: true } }) : slowTfvars({ a: { note: 'v2' } });
}

/** A repo over the slow module with one deployment per hook, the test plugin and audit composed. */
async function faultRepo(): Promise<string> {
  const files: Record<string, string> = {};
  for (const h of DEPLOYMENT_HOOKS) files[`dev/${h}/${h}.tfvars`] = tfvarsOf(h, 'seed');
  const dir = await slowRepo(files);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await writeFile(path.join(dir, 'faulty-plugin.mjs'), FAULTY_PLUGIN);
  await writeFile(path.join(dir, 'orchestrator.config.mjs'), CONFIG);
  return dir;
}

async function setRound(dir: string, round: 'seed' | 'fault'): Promise<void> {
  for (const h of DEPLOYMENT_HOOKS) {
    await writeFile(path.join(dir, 'deployments/dev', h, `${h}.tfvars`), tfvarsOf(h, round));
  }
}

interface Run {
  code: number;
  output: string;
  result?: JsonResult & { problems: Array<{ plugin?: string; message: string }> };
}

async function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await tfo([...args, '--config', 'orchestrator.config.mjs'], dir, env);
  let result: Run['result'];
  try {
    result = JSON.parse(out.stdout) as Run['result'];
  } catch {
    result = undefined;
  }
  return { code: out.exitCode ?? -1, output: out.all ?? '', result };
}

type Identity = Awaited<ReturnType<typeof stateIdentity>>;

async function identities(dir: string): Promise<Map<string, Identity>> {
  const out = new Map<string, Identity>();
  for (const h of DEPLOYMENT_HOOKS) out.set(h, await stateIdentity(path.join(dir, '.tfo/state', keyOf(h))));
  return out;
}

/** This run's audit entries from the file trail, by deployment key. */
async function auditedKeys(dir: string, runId: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const root = path.join(dir, '.tfo/audit');
  for (const f of await filesUnder(root)) {
    for (const line of (await readFile(path.join(root, f), 'utf8')).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const entry = JSON.parse(line) as { runId?: string; action?: string; deployment?: { key: string } };
      if (entry.runId !== runId || !entry.deployment) continue;
      out.set(entry.deployment.key, [...(out.get(entry.deployment.key) ?? []), entry.action ?? '']);
    }
  }
  return out;
}

async function auditVerifies(dir: string): Promise<void> {
  const out = await run(dir, ['audit', 'verify']);
  expect(out.output).toContain('audit trail intact');
  expect(out.code).toBe(0);
}

/** What every scenario checks after the run: no lock, no process, the run's result on disk. */
async function common(dir: string, r: Run): Promise<void> {
  expect(await locksLeft(dir)).toEqual([]);
  expect(await processesLeft(dir)).toEqual([]);
  if (r.result) expect(existsSync(path.join(r.result.run.dir, 'result.json'))).toBe(true);
}

const message = (hook: string, mode: Mode): string =>
  mode === 'throw'
    ? `plugin "faulty" failed in ${hook}: faulty broke in ${hook}`
    : `plugin "faulty" failed in ${hook}: did not settle within ${DEADLINE_S} s`;

describe('a plugin that throws in or never settles in a hook', () => {
  let dir: string;
  let lateLeaseReleased = '';
  const runs = new Map<
    Mode,
    { run: Run; before: Map<string, Identity>; after: Map<string, Identity>; audited: Map<string, string[]> }
  >();

  beforeAll(async () => {
    dir = await faultRepo();
    const seed = await run(dir, ['apply', '--json']);
    expect(seed.code, seed.output).toBe(0);
    for (const mode of MODES) {
      const before = await identities(dir);
      // each round starts from the seeded inputs and state, then changes every deployment
      await setRound(dir, 'fault');
      const r = await run(dir, ['apply', '--json'], {
        FAULT_MODE: mode,
        FAULT_HOOKS: [...DEPLOYMENT_HOOKS, 'report'].join(','),
      });
      expect(r.result, r.output).toBeDefined();
      const audited = await auditedKeys(dir, r.result!.run.id);
      if (mode === 'hang') {
        lateLeaseReleased = await readFile(path.join(dir, '.tfo/late-lease-released'), 'utf8').catch(() => '');
      }
      runs.set(mode, { run: r, before, after: await identities(dir), audited });
      await common(dir, r);
      // put back what the rounds changed: the seed's inputs, applied (recovers the rollback deployment)
      await setRound(dir, 'seed');
      const back = await run(dir, ['apply', '--json']);
      expect(back.code, back.output).toBe(0);
    }
    await killAll(dir);
  });

  const cases = DEPLOYMENT_HOOKS.flatMap((hook) => MODES.map((mode) => [hook, mode] as [DeploymentHook, Mode]));
  it.each(cases)(
    '%s: a plugin that fails (%s) fails only its deployment, by name, and damages no state',
    async (hook, mode) => {
      const { run: r, audited } = runs.get(mode)!;
      const result = r.result!;
      expect(r.code).toBe(1);
      const d = result.deployments.find((x) => x.key === keyOf(hook))!;
      if (hook === 'settled' || hook === 'audit') {
        // after the deployment: it stays applied, and the run reports the plugin (exit 1)
        expect(d.status, JSON.stringify(d.error)).toBe('applied');
        const problems = result.problems.map((p) => p.message);
        expect(
          problems.some((p) => p.includes(keyOf(hook)) && p.includes(message(hook, mode))),
          problems.join('\n'),
        ).toBe(true);
      } else {
        expect(['failed', 'recovered']).toContain(d.status);
        if (hook === 'recover') {
          // the apply failed on its own (terraform); the plugin failed its recovery (below)
          expect(d.error).toMatchObject({ stage: 'apply', plugin: 'tfo:terraform' });
        } else {
          expect(d.error?.plugin).toBe('faulty');
          expect(d.error?.message).toContain(message(hook, mode));
        }
        if (mode === 'hang' && hook !== 'recover') expect(d.error?.code).toBe('TFO_ERR_HOOK_TIMEOUT');
      }
      if (hook === 'lock' && mode === 'hang') {
        // the lease arrived after its deadline, holding a lock file: the engine released it
        expect(lateLeaseReleased).toBe(keyOf('lock'));
      }
      if (hook === 'recover') {
        expect(audited.get(keyOf(hook))).toContain('recover');
        expect(d.status).toBe('failed');
        expect(d.recovery).toMatchObject({ action: 'manual', ok: false });
        expect(d.recovery?.detail).toContain(`recovery failed: plugin "faulty" in recover: `);
        expect(d.recovery?.detail).toContain(mode === 'throw' ? 'faulty broke in recover' : 'did not settle within');
      }
      // every deployment of the run is in the audit trail, the failed one included
      expect(audited.get(keyOf(hook))?.length ?? 0).toBeGreaterThan(0);
      expect(audited.size).toBe(DEPLOYMENT_HOOKS.length);
    },
  );

  it.each(MODES)(
    'report: a report plugin that fails (%s) is a run problem; result.json is still written',
    async (mode) => {
      const { run: r } = runs.get(mode)!;
      expect(r.result!.problems).toContainEqual({
        plugin: 'faulty',
        message: expect.stringContaining(message('report', mode)),
      });
      const onDisk = JSON.parse(await readFile(path.join(r.result!.run.dir, 'result.json'), 'utf8')) as JsonResult;
      expect(onDisk.run.id).toBe(r.result!.run.id);
      expect(onDisk.exitCode).toBe(1);
    },
  );

  it.each(MODES)('state after a failing plugin (%s) is the pre-apply version or terraform’s own', async (mode) => {
    const { before: seeded, after } = runs.get(mode)!;
    for (const hook of DEPLOYMENT_HOOKS) {
      const now = after.get(hook);
      expect(now, hook).toBeDefined();
      // the seed's lineage always: no state was replaced by another
      expect(now!.lineage, hook).toBe(seeded.get(hook)!.lineage);
    }
    // nothing was applied before these stages: state is byte for byte the seeded one
    for (const hook of ['lock', 'init', 'plan', 'validate', 'backup'] as const) {
      expect(after.get(hook), hook).toEqual(seeded.get(hook));
    }
    // the rollback deployment is left as terraform wrote it: `a` replaced, `b` failed (tainted, in state)
    expect(after.get('recover')!.serial).toBeGreaterThan(seeded.get('recover')!.serial);
  });

  it('the audit trail verifies after both rounds', async () => {
    await auditVerifies(dir);
  });
});

describe('run-level hooks and the process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await faultRepo();
    const seed = await run(dir, ['apply', '--json', '--only', 'deployments/dev/plan/**']);
    expect(seed.code, seed.output).toBe(0);
  });

  it.each((['discover', 'prepare'] as const).flatMap((hook) => MODES.map((mode) => [hook, mode] as const)))(
    '%s: a plugin that fails (%s) stops the run with a clear error, exit 1, and its result, before anything is locked',
    async (hook, mode) => {
      const before = await stateIdentity(path.join(dir, '.tfo/state', keyOf('plan')));
      const runsBefore = await readdir(path.join(dir, '.tfo/runs'));
      const started = Date.now();
      const r = await run(dir, ['apply'], { FAULT_MODE: mode, FAULT_HOOKS: hook });
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain(`error TFO_ERR_PLUGIN: ${message(hook, mode)}`);
      expect(r.output).not.toMatch(/\n\s+at /); // no stack trace
      expect(Date.now() - started).toBeLessThan(30_000);
      await common(dir, r);
      // nothing started: the new run folder holds only its result, which names the failure
      const stopped = await stoppedRuns(dir, runsBefore);
      expect(stopped).toHaveLength(1);
      expect(stopped[0]!.deployments).toEqual([]);
      expect(stopped[0]!.exitCode).toBe(1);
      expect(stopped[0]!.problems[0]!.message).toContain(message(hook, mode));
      expect(await stateIdentity(path.join(dir, '.tfo/state', keyOf('plan')))).toEqual(before);
    },
  );

  it('a plugin that leaves an interval running (prepare, report) does not keep tfo alive', async () => {
    await writeFile(path.join(dir, 'deployments/dev/plan/plan.tfvars'), slowTfvars({ a: { note: 'interval' } }));
    const started = Date.now();
    const out = await execa(
      'node',
      [BIN, 'apply', '--json', '--only', 'deployments/dev/plan/**', '--config', 'orchestrator.config.mjs'],
      {
        cwd: dir,
        reject: false,
        timeout: 120_000,
        env: { CI: 'true', NO_COLOR: '1', FAULT_MODE: 'interval', FAULT_HOOKS: 'prepare,report' },
      },
    );
    expect(out.timedOut).toBe(false);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    const result = JSON.parse(out.stdout) as JsonResult;
    expect(result.deployments.map((d) => d.status)).toEqual(['applied']);
    await common(dir, { code: 0, output: '', result: result as Run['result'] });
  });

  it.each([
    ['stdout', '--json 2>/dev/null | head -c 0'],
    ['stderr', '2>&1 >/dev/null | head -c 10'],
  ])('a reader of %s that goes away (EPIPE) costs the output, not the run', async (_, pipe) => {
    const note = `epipe-${Math.random().toString(36).slice(2, 8)}`;
    await writeFile(path.join(dir, 'deployments/dev/plan/plan.tfvars'), slowTfvars({ a: { note } }));
    const rcFile = path.join(dir, 'rc');
    const script = `node ${BIN} apply --only 'deployments/dev/plan/**' --config orchestrator.config.mjs ${pipe} >/dev/null; echo "\${PIPESTATUS[0]}" > ${rcFile}`;
    const out = await execa('bash', ['-c', script], {
      cwd: dir,
      reject: false,
      env: { CI: 'true', NO_COLOR: '1' },
      timeout: 120_000,
    });
    expect(out.exitCode).toBe(0);
    expect((await readFile(rcFile, 'utf8')).trim()).toBe('0');
    // the run went on to the end: applied, result.json written, nothing locked, nothing running
    const runsDir = path.join(dir, '.tfo/runs');
    const latest = (await readdir(runsDir)).sort().at(-1)!;
    const result = JSON.parse(await readFile(path.join(runsDir, latest, 'result.json'), 'utf8')) as JsonResult;
    expect(result.exitCode).toBe(0);
    expect(result.deployments.map((d) => d.status)).toEqual(['applied']);
    expect(
      await readFile(path.join(runsDir, latest, 's3__acme-dev__us-east-1__plan', 'terraform.log'), 'utf8'),
    ).toContain('Apply complete');
    expect(await locksLeft(dir)).toEqual([]);
    expect(await processesLeft(dir)).toEqual([]);
    const state = JSON.parse(await readFile(path.join(dir, '.tfo/state', keyOf('plan')), 'utf8')) as object;
    expect(JSON.stringify(state)).toContain(note);
  });
});

describe('the command line and the files tfo keeps', () => {
  it('an unwritable .tfo is TFO_ERR_IO naming the path and the fix, exit 1, no stack trace', async () => {
    const dir = await slowRepo({ 'dev/p1/p1.tfvars': slowTfvars({ a: {} }) });
    await chmod(dir, 0o755);
    await mkdir(path.join(dir, '.tfo'), { mode: 0o555 });
    await chmod(path.join(dir, '.tfo'), 0o555);
    const root = process.getuid?.() === 0;
    // root writes anywhere: run as nobody, for whom the folder is read-only
    const out = await execa('node', [BIN, 'apply'], {
      cwd: dir,
      reject: false,
      env: { CI: 'true', NO_COLOR: '1', HOME: dir },
      ...(root ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(out.exitCode, out.stderr).toBe(1);
    expect(out.stderr).toMatch(
      new RegExp(`error TFO_ERR_IO: cannot mkdir ${path.join(dir, '.tfo')}\\S*: permission denied`),
    );
    expect(out.stderr).toContain('set stateDir in the config');
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(await locksLeft(dir)).toEqual([]);
  });

  it.each([
    [
      ['plan', '--max-workers', '100000'],
      {},
      "option '--max-workers <n>' argument '100000' is invalid. must be an integer from 1 to 64",
    ],
    [['plan', '--max-workers', '0'], {}, 'must be an integer from 1 to 64'],
    [
      ['plan'],
      { TFO_MAX_WORKERS: 'abc' },
      'environment variable TFO_MAX_WORKERS: must be an integer from 1 to 64, not "abc"',
    ],
    [['plan'], { TFO_MAX_WORKERS: '100000' }, 'TFO_MAX_WORKERS: must be an integer from 1 to 64'],
    [['plan'], { TFO_POOL_SIZE: '-2' }, 'TFO_POOL_SIZE: must be an integer from 1 to 256'],
    // a command no configured plugin contributes (this config has no opa(...)): the plugin to add is named
    [['policy', 'test'], {}, 'unknown command "policy": `tfo policy` is contributed by @tfo/plugin-opa'],
  ] as Array<[string[], Record<string, string>, string]>)(
    '%j %j is a usage error (exit 3) naming the range',
    async (args, env, text) => {
      const dir = await slowRepo({ 'dev/p1/p1.tfvars': slowTfvars({ a: {} }) });
      const out = await tfo(args, dir, env);
      expect(out.exitCode, out.all).toBe(3);
      expect(out.all).toContain(text);
      expect(existsSync(path.join(dir, '.tfo/runs'))).toBe(false);
    },
  );

  it('a config without a default export is one clear error saying what to write', async () => {
    const dir = await slowRepo({ 'dev/p1/p1.tfvars': slowTfvars({ a: {} }) });
    await writeFile(path.join(dir, 'orchestrator.config.mjs'), "export const config = { rootModule: 'x' };\n");
    const out = await tfo(['plan', '--config', 'orchestrator.config.mjs'], dir);
    expect(out.exitCode).toBe(3);
    expect(out.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([
      `error TFO_ERR_CONFIG_LOAD: ${path.join(dir, 'orchestrator.config.mjs')} has no default export (it exports only \`config\`): write \`export default defineConfig({ ... })\` (defineConfig from '@tfo/engine'), or \`export default { ... }\``,
    ]);
    expect(out.stderr).not.toContain('Required');
  });
});
