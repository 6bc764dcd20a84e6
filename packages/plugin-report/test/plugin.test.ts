import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import {
  Engine,
  executeRun,
  STAGE,
  TfoError,
  type CommandIO,
  type EngineEvents,
  type PlanJson,
  type Plugin,
} from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { report, REPORT_PLUGIN_NAME, reportCommand } from '../src/index.js';

// Fabricated, built from parts at runtime: what terraform marked sensitive in the run.
const SECRET = ['fab', 'ricated', 'report', 'Zt4Qw8'].join('-');

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function repository(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-plugin-report-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\n');
  await mkdir(path.join(dir, 'deployments/api'), { recursive: true });
  await writeFile(
    path.join(dir, 'deployments/api/api.tfvars'),
    'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  logs = {}\n}\n',
  );
  return dir;
}

/** Plans without terraform; the log and a finding carry the secret, a report tap fails with it. */
const planting: Plugin = {
  name: 'test:planting',
  apply(engine) {
    const t = { name: 'test:planting', stage: STAGE.NORMAL };
    engine.hooks.lock.tapPromise(t, async (ctx) => ({
      key: ctx.deployment.key,
      holder: 't',
      release: async () => {},
    }));
    engine.hooks.plan.tapPromise(t, async (ctx) => {
      ctx.sensitive.add(SECRET);
      ctx.log(`$ terraform plan\n  + password = "${SECRET}"\nPlan: 1 to add, 0 to change, 0 to destroy.\n`);
      return {
        hasChanges: true,
        planFile: 'x',
        json: { format_version: '1.2' } as PlanJson,
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      };
    });
    engine.hooks.validate.tapPromise(t, async (ctx) => {
      ctx.findings.push({
        ruleId: 'TEST-001',
        severity: 'low',
        level: 'warn',
        title: 'planted',
        message: `the plan shows ${SECRET}`,
        source: 'test',
        file: ctx.deployment.file,
      });
    });
  },
};

const failingReporter: Plugin = {
  name: 'test:failing',
  apply(engine) {
    engine.hooks.report.tapPromise({ name: 'test:failing', stage: STAGE.NORMAL }, async () => {
      throw new Error(`could not post: token for ${SECRET} refused`);
    });
  },
};

function engineOver(dir: string, plugins: Plugin[]): Engine {
  const config = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath,
    providerMirror: 'none',
  });
  const engine = new Engine(resolveSettings(config, dir, { maxWorkers: 1 }), plugins);
  engines.push(engine);
  return engine;
}

function notices(engine: Engine): Array<EngineEvents['notice']> {
  const out: Array<EngineEvents['notice']> = [];
  engine.events.on('notice', (e) => out.push(e));
  return out;
}

function commandIO(engine: Engine, cwd: string, json = false): CommandIO & { text(): string } {
  let out = '';
  return {
    engine,
    cwd,
    json,
    out: (text) => (out += text),
    err: (text) => (out += text),
    show: async (data, text) => {
      out += json ? `${JSON.stringify(data)}\n` : text;
    },
    text: () => out,
  };
}

describe('report(): the run report plugin', () => {
  it('writes report.html in the run folder and JUnit XML when asked, from the run view', async () => {
    const dir = await repository();
    const engine = engineOver(dir, [planting, failingReporter, report({ junit: 'out/junit.xml' })]);
    const said = notices(engine);
    const result = await executeRun(engine, { mode: 'plan' });
    const html = await readFile(path.join(result.run.dir, 'report.html'), 'utf8');
    const junit = await readFile(path.join(dir, 'out/junit.xml'), 'utf8');
    const resultJson = await readFile(path.join(result.run.dir, 'result.json'), 'utf8');
    for (const text of [html, junit, resultJson]) expect(text).not.toContain(SECRET);
    // what was planted reaches the report, redacted: the log, the finding, the failed tap
    expect(html).toContain('password = &quot;***&quot;');
    expect(html).toContain('the plan shows ***');
    expect(html).toContain('could not post: token for *** refused');
    // the failed tap before it is in the report's view, and fails the run there as it does at the end
    expect(result.exitCode).toBe(1);
    expect(html).toContain('exit 1');
    expect(junit).toContain('<testcase ');
    expect(said.filter((n) => n.level === 'info').map((n) => n.message)).toEqual([
      `report: ${path.join(result.run.dir, 'report.html')}`,
      `junit: ${path.join(dir, 'out/junit.xml')}`,
    ]);
  });

  it('takes --junit from the run; a JUnit file it cannot write fails the run, the HTML is still written', async () => {
    const dir = await repository();
    await writeFile(path.join(dir, 'blocker'), 'a file, not a folder');
    const engine = engineOver(dir, [planting, report({ junit: 'never.xml' })]);
    const result = await executeRun(engine, { mode: 'plan', junit: path.join(dir, 'blocker', 'junit.xml') });
    expect(existsSync(path.join(dir, 'never.xml'))).toBe(false);
    expect(existsSync(path.join(result.run.dir, 'report.html'))).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.problems).toEqual([
      {
        plugin: REPORT_PLUGIN_NAME,
        message: expect.stringContaining(`--junit ${path.join(dir, 'blocker', 'junit.xml')} could not be written`),
      },
    ]);
  });

  it('refuses options it does not know', () => {
    expect(() => report({ junit: '' })).toThrow(TfoError);
    expect(() => report({ html: false } as never)).toThrow(/report\(\)/);
  });
});

describe('tfo report (the command the plugin contributes)', () => {
  it('is contributed by the plugin and rewrites a past run from its folder, redacted', async () => {
    const dir = await repository();
    const engine = engineOver(dir, [planting, report()]);
    expect(engine.commands.map((c) => [c.plugin, c.spec.name])).toEqual([[REPORT_PLUGIN_NAME, 'report']]);
    const result = await executeRun(engine, { mode: 'plan' });

    // a later process: nothing marked sensitive yet; the command collects nothing from plan JSON
    // here (the planting plugin keeps none), so the log's secret is masked by its pattern only
    const later = engineOver(dir, [report()]);
    const io = commandIO(later, dir);
    const code = await reportCommand.run!(
      { args: [], options: { run: result.run.id, html: 'past.html', junit: 'past.xml' } },
      io,
    );
    expect(code).toBe(0);
    expect(io.text()).toBe(`report: ${path.join(dir, 'past.html')}\njunit: ${path.join(dir, 'past.xml')}\n`);
    const past = await readFile(path.join(dir, 'past.html'), 'utf8');
    expect(past).toContain('the plan shows ***');
    expect(past).toContain(result.run.id);
    expect(await readFile(path.join(dir, 'past.xml'), 'utf8')).toContain('<testcase ');

    const json = commandIO(later, dir, true);
    expect(await reportCommand.run!({ args: [], options: {} }, json)).toBe(0);
    expect(JSON.parse(json.text())).toEqual({
      run: result.run.id,
      dir: result.run.dir,
      html: path.join(result.run.dir, 'report.html'),
    });
    await expect(reportCommand.run!({ args: [], options: { run: 'nope' } }, io)).rejects.toThrow(/no run nope/);
  });
});
