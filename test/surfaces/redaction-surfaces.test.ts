import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import {
  Engine,
  executeRun,
  sensitiveOfPlan,
  sensitiveOfRuns,
  STAGE,
  type PlanJson,
  type Plugin,
  type RunResult,
} from '@tfo/engine';
import { audit, queryFile } from '@tfo/plugin-audit';
import { github } from '@tfo/plugin-github';
import { writeSarif } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../packages/plugin-github/test/fake-github.js';
import { redactedOutput } from '../../packages/cli/src/render/print.js';
import { attachProgress } from '../../packages/cli/src/render/progress.js';
import { captureShown, shownJson } from '../../packages/cli/src/render/shown.js';
import type { Style } from '../../packages/cli/src/render/style.js';
import { renderSummary } from '../../packages/cli/src/render/summary.js';

// Fabricated secrets, built from parts at runtime.
/** What terraform marked sensitive in the run (a plan's sensitive value). */
const SENSITIVE = ['fab', 'ricated-', 'db-pass-', '7Qx9Lm2'].join('');
/** Only a pattern can know this one: a password in terraform's padded, coloured plan diff. */
const PATTERN_SECRET = ['s3cr3t', 'value', '123'].join('-');
const COLOURED = `\u001b[1mpassword\u001b[0m          = "${PATTERN_SECRET}"`;
/** A token right after a colour code. */
const TOKEN = `gh${'p_'}${'Zq8'.repeat(12)}`;
const COLOURED_TOKEN = `\u001b[32m${TOKEN}\u001b[0m`;
/** In a state's sensitive output only (a later `tfo audit` finds it in the run's saved plan). */
const STATE_ONLY = ['state', 'only', 'output', 'Kp4Ws9'].join('-');

/** A private key in the plan, long enough that the PR comment's plan is trimmed through it. */
const PEM_LINES = Array.from({ length: 60 }, (_, i) => `Q${String(i).padStart(3, '0')}${'AbCd9+'.repeat(10)}`);
const PEM = [`-----BEGIN ${'RSA PRIVATE'} KEY-----`, ...PEM_LINES, `-----END ${'RSA PRIVATE'} KEY-----`].join('\n');
/** The key's last line: what a plan trimmed before redaction keeps beside the END line. */
const PEM_TAIL = PEM_LINES[PEM_LINES.length - 1]!;

const SECRETS = { SENSITIVE, PATTERN_SECRET, TOKEN, PEM_TAIL } as const;

/** `surface: SECRET` for each secret a surface holds (all of them listed, not only the first). */
function leaks(surfaces: Record<string, string>, secrets: Record<string, string> = SECRETS): string[] {
  const out: string[] = [];
  for (const [surface, text] of Object.entries(surfaces)) {
    expect(text.length, `${surface} is empty`).toBeGreaterThan(0);
    for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) out.push(`${surface}: ${name}`);
  }
  return out;
}

const dirs: string[] = [];
const engines: Engine[] = [];
let fake: FakeGitHub | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const coloured: Style = {
  color: true,
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  green: (s) => `\u001b[32m${s}\u001b[39m`,
  yellow: (s) => `\u001b[33m${s}\u001b[39m`,
  cyan: (s) => `\u001b[36m${s}\u001b[39m`,
};

/** Terraform's text where people see it: a plan diff with the secrets in it. */
const PLAN_TEXT = [
  'Terraform will perform the following actions:',
  '  # terraform_data.db will be created',
  '  + resource "terraform_data" "db" {',
  `      + ${COLOURED}`,
  `      + token    = ${COLOURED_TOKEN}`,
  `      + input    = "${SENSITIVE}"`,
  '    }',
  'Warning: the provider printed a key:',
  PEM,
  'Plan: 1 to add, 0 to change, 0 to destroy.',
].join('\n');

/**
 * Answers the lifecycle hooks without terraform, planting the secrets where real runs carry them:
 * the log, the sensitive values, a policy finding, a failed apply's error (terraform's stderr)
 * and its recovery, an engine notice. `api` applies; `db` is blocked by policy.
 */
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
      ctx.log(`$ terraform plan -input=false -no-color -out=${ctx.dir}/plan.tfplan\n${PLAN_TEXT}\n`);
      const plan: PlanJson = {
        format_version: '1.2',
        resource_changes: [],
        prior_state: {
          values: {
            outputs: { db: { sensitive: true, value: SENSITIVE }, state: { sensitive: true, value: STATE_ONLY } },
          },
        },
      } as PlanJson;
      await writeFile(path.join(ctx.dir, 'plan.json'), JSON.stringify(plan));
      sensitiveOfPlan(plan, ctx.sensitive);
      engine.events.emit('notice', {
        level: 'warn',
        key: ctx.deployment.key,
        message: `odd: ${COLOURED} ${SENSITIVE}`,
      });
      return { hasChanges: true, planFile: 'x', json: plan, changes: { add: 1, change: 0, destroy: 0, replace: 0 } };
    });
    engine.hooks.validate.tapPromise(t, async (ctx) => {
      if (!ctx.deployment.file.includes('db')) return;
      ctx.findings.push({
        ruleId: 'TEST-001',
        severity: 'high',
        level: 'deny',
        title: `secret in plan ${SENSITIVE}`,
        message: `the plan shows ${COLOURED} and ${COLOURED_TOKEN} and ${SENSITIVE}`,
        resource: 'terraform_data.db',
        remediation: `rotate ${SENSITIVE}`,
        file: ctx.deployment.file,
        source: 'opa',
      });
    });
    engine.hooks.backup.tapPromise(t, async () => undefined);
    engine.hooks.apply.tapPromise(t, async () => {
      throw new Error(`terraform apply exited 1:\n${COLOURED}\n  ${COLOURED_TOKEN}\n  value ${SENSITIVE}`);
    });
    engine.hooks.recover.tapPromise(t, async () => ({
      action: 'reapply-last-good',
      ok: true,
      detail: `re-applied; last output ${COLOURED} ${SENSITIVE}`,
      durationMs: 1,
      by: 'test',
    }));
  },
};

async function repository(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-surfaces-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\n');
  for (const name of ['api', 'db']) {
    await mkdir(path.join(dir, 'deployments', name), { recursive: true });
    await writeFile(
      path.join(dir, 'deployments', name, `${name}.tfvars`),
      'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  logs = {\n    versioning = true\n  }\n}\n',
    );
  }
  await writeFile(
    path.join(dir, 'event.json'),
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: { number: 7, base: { sha: 'b'.repeat(40) }, head: { sha: 'c'.repeat(40) } },
    }),
  );
  return dir;
}

function engineOver(dir: string, plugins: Plugin[]): Engine {
  const config = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
    terraformBinary: process.execPath,
    providerMirror: 'none',
  });
  const engine = new Engine(resolveSettings(config, dir, { maxWorkers: 2 }), plugins);
  engines.push(engine);
  return engine;
}

/** A stream that keeps what is written (the terminal). */
function terminal(): NodeJS.WriteStream & { text(): string } {
  let out = '';
  return {
    isTTY: false,
    columns: 200,
    write(text: string) {
      out += text;
      return true;
    },
    text: () => out,
  } as unknown as NodeJS.WriteStream & { text(): string };
}

describe('every surface shows the run redacted', () => {
  it('result.json, terminal, --json, HTML, JUnit, SARIF, step summary, annotations, PR comment, check, audit query', async () => {
    const dir = await repository();
    fake = new FakeGitHub();
    await fake.start();
    let annotations = '';
    const plugin = github({
      enabled: true,
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'acme/infra',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
        GITHUB_API_URL: fake.baseUrl,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242',
        GITHUB_SHA: 'f'.repeat(40),
        GITHUB_TOKEN: `ghs_${'t'.repeat(36)}`,
        GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md'),
        GITHUB_WORKSPACE: dir,
      },
      stdout: { write: (text: string) => (annotations += text) },
      retry: { maxRetries: 0, baseDelayMs: 1 },
      planMaxChars: 1_000,
      discovery: false,
    });
    const junit = path.join(dir, 'junit.xml');
    const engine = engineOver(dir, [planting, audit(), plugin, report()]);
    const views: string[] = [];
    engine.events.on('run:shown', (e) => views.push(e.runId));
    const progress = terminal();
    const detach = attachProgress(engine, progress, coloured);
    const view = captureShown(engine);
    let result: RunResult;
    try {
      // --junit, as the CLI passes it: through the run, to the report plugin
      result = await executeRun(engine, { mode: 'apply', junit });
    } finally {
      detach();
      view.dispose();
    }
    expect(result.problems).toEqual([]);
    expect(result.deployments.map((d) => d.status).sort()).toEqual(['blocked', 'recovered']);
    // the run itself keeps everything (the --unredacted file, the audit sinks)
    expect(JSON.stringify(result)).toContain(PATTERN_SECRET);

    // one view of the run, built once by the engine; every surface below renders from it
    expect(views).toEqual([result.run.id]);
    const shown = view.shown();
    const resultJson = await readFile(path.join(result.run.dir, 'result.json'), 'utf8');
    expect(shownJson(shown)).toBe(resultJson);
    const sarif = path.join(dir, 'policy.sarif');
    await writeSarif(sarif, result, dir, { shown });

    const surfaces: Record<string, string> = {
      'result.json': resultJson,
      '--json': shownJson(shown),
      'terminal progress': progress.text(),
      'terminal summary': renderSummary(shown, coloured),
      'HTML report': await readFile(path.join(result.run.dir, 'report.html'), 'utf8'),
      JUnit: await readFile(junit, 'utf8'),
      SARIF: await readFile(sarif, 'utf8'),
      'step summary': await readFile(path.join(dir, 'step-summary.md'), 'utf8'),
      annotations,
      'PR comment': fake
        .commentsOf(7)
        .map((c) => c.body)
        .join('\n'),
      'check run': fake.requests
        .filter((r) => r.path.includes('/check-runs'))
        .map((r) => r.raw)
        .join('\n'),
    };
    expect(leaks(surfaces)).toEqual([]);
    // what was planted does reach the surfaces (redacted), so the checks above are not vacuous
    expect(surfaces['HTML report']).toContain('password');
    expect(surfaces['PR comment']).toContain('TEST-001');
    expect(surfaces['check run']).toContain('tfo apply');
    expect(surfaces.annotations).toContain('::error');
    // colours survive on the terminal: redaction comes before styling, not after
    expect(surfaces['terminal summary']).toContain('\u001b[31m');

    // `tfo audit query --output` in a later process: records hold the full output; the values
    // marked sensitive come back from the run's saved plan (also the state's sensitive output)
    const later = engineOver(dir, [audit()]);
    const records = await queryFile(path.join(later.settings.stateDir, 'audit'));
    expect(records.some((r) => r.output.includes(SENSITIVE))).toBe(true);
    const sensitive = await sensitiveOfRuns(
      later.settings.stateDir,
      records.map((r) => r.runId),
    );
    expect([...sensitive]).toContain(STATE_ONLY);
    const withState = { ...SECRETS, STATE_ONLY };
    const planted = records.map((r) => ({ ...r, output: `${r.output}\n${STATE_ONLY}\n` }));
    const text = planted.map((r) => `${r.timestamp} ${r.action} ${r.deployment.file}\n${r.output}`).join('\n');
    const json = await redactedOutput(later, { json: true }, { records: planted }, text, sensitive);
    const plain = await redactedOutput(later, { json: false }, { records: planted }, text, sensitive);
    expect(leaks({ 'audit query --json': json, 'audit query': plain }, withState)).toEqual([]);
  }, 60_000);

  it('a string under a key that names a secret is masked whole in --json output', async () => {
    const dir = await repository();
    const engine = engineOver(dir, []);
    const out = await redactedOutput(
      engine,
      { json: true },
      { db_password: 'two words here', password_length: 'sixteen', note: `\u001b[1mtoken\u001b[0m = ${TOKEN}` },
      '',
    );
    const parsed = JSON.parse(out) as Record<string, string>;
    expect(parsed.db_password).toBe('***');
    expect(parsed.password_length).toBe('sixteen');
    expect(out).not.toContain(TOKEN);
  });
});

describe('sensitive values of a plan', () => {
  it("also come from its prior_state: sensitive outputs and resources' sensitive_values, in child modules too", () => {
    const into = new Set<string>();
    sensitiveOfPlan(
      {
        format_version: '1.2',
        prior_state: {
          values: {
            outputs: { a: { sensitive: true, value: 'out-secret-1' }, b: { sensitive: false, value: 'not-secret-1' } },
            root_module: {
              resources: [
                {
                  values: { password: 'attr-secret-1', name: 'db-name-1' },
                  sensitive_values: { password: true },
                },
              ],
              child_modules: [
                {
                  resources: [{ values: { tags: { k: 'deep-secret-1' } }, sensitive_values: { tags: { k: true } } }],
                },
              ],
            },
          },
        },
      } as unknown as PlanJson,
      into,
    );
    expect([...into].sort()).toEqual(['attr-secret-1', 'deep-secret-1', 'out-secret-1']);
  });
});
