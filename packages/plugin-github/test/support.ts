import { afterEach, beforeEach } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import {
  Engine,
  shownRun,
  type DeploymentResult,
  type DeploymentStatus,
  type Finding,
  type Plugin,
  type RunMode,
  type RunResult,
} from '@tfo/engine';
import type { Env } from '../src/index.js';
import { FakeGitHub } from './fake-github.js';

const dirs: string[] = [];
const engines: Engine[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-github-'));
  dirs.push(dir);
  return dir;
}

/** Calls the report hook as a run does: with the run and its redacted view. */
export async function report(engine: Engine, result: RunResult): Promise<void> {
  await engine.hooks.report.promise(result, await shownRun(engine, result));
}

export async function cleanup(): Promise<void> {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export const ACCOUNTS = {
  dev: { name: 'acme-dev', id: '111111111111' },
  prod: { name: 'acme-prod', id: '333333333333' },
};

/** An engine over `dir` (deployments/ and modules/app/ inside), with only the given plugins. */
export async function makeEngine(
  dir: string,
  plugins: Plugin[],
  config: Record<string, unknown> = {},
): Promise<Engine> {
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'terraform {}\n');
  await mkdir(path.join(dir, 'deployments'), { recursive: true });
  const parsed = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: ACCOUNTS,
    terraformBinary: process.execPath,
    providerMirror: 'none',
    ...config,
  });
  const engine = new Engine(resolveSettings(parsed, dir, { maxWorkers: 2 }), plugins);
  engines.push(engine);
  return engine;
}

/** The environment of a pull request job of acme/infra, against the fake API. */
export function prEnv(dir: string, apiUrl: string, over: Env = {}): Env {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_TOKEN: 'ghs_testtokentesttokentesttokentest1234',
    GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md'),
    GITHUB_WORKSPACE: dir,
    ...over,
  };
}

export const BASE_SHA = 'b'.repeat(40);
export const HEAD_SHA = 'c'.repeat(40);

export async function writeEvent(dir: string, pr = 7, base = BASE_SHA, head = HEAD_SHA): Promise<void> {
  await writeFile(
    path.join(dir, 'event.json'),
    JSON.stringify({
      action: 'synchronize',
      number: pr,
      pull_request: { number: pr, base: { sha: base }, head: { sha: head } },
    }),
  );
}

/** A terraform log like the engine writes: init, then the saved plan with `resources` changes. */
export function planLog(key: string, resources: number, extra = ''): string {
  const out = [
    `$ terraform init -input=false -no-color -reconfigure -backend-config=path=/state/${key}`,
    'Terraform has been successfully initialized!',
    `$ terraform plan -input=false -no-color -var-file=/repo/x.tfvars -out=/runs/plan.tfplan`,
    '',
    'Terraform used the selected providers to generate the following execution',
    'plan. Resource actions are indicated with the following symbols:',
    '  + create',
    '',
    'Terraform will perform the following actions:',
    '',
  ];
  for (let i = 0; i < resources; i++) {
    out.push(
      `  # terraform_data.bucket["b${i}"] will be created`,
      `  + resource "terraform_data" "bucket" {`,
      `      + id     = (known after apply)`,
      `      + input  = {`,
      `          + name = "${key.split('/')[3]}-bucket-${i}"`,
      `          + tags = { Owner = "platform", CostCenter = "CC-${1000 + i}" }`,
      `        }`,
      `    }`,
      '',
    );
  }
  if (extra) out.push(extra);
  out.push(`Plan: ${resources} to add, 0 to change, 0 to destroy.`);
  out.push(`$ terraform show -json -no-color /runs/plan.tfplan`, '');
  return out.join('\n');
}

export interface DeploymentSpec {
  project: string;
  account?: 'acme-dev' | 'acme-prod';
  status?: DeploymentStatus;
  resources?: number;
  findings?: Finding[];
  error?: DeploymentResult['error'];
  /** Appended to the plan body (secrets). */
  extra?: string;
}

/** A run result whose deployments have logs under `dir/.tfo/runs/<id>/`. */
export async function runResult(dir: string, mode: RunMode, specs: DeploymentSpec[], id = 'run-1'): Promise<RunResult> {
  const runDir = path.join(dir, '.tfo', 'runs', id);
  const deployments: DeploymentResult[] = [];
  for (const s of specs) {
    const account = s.account ?? 'acme-dev';
    const key = `s3/${account}/us-east-1/${s.project}/terraform.tfstate`;
    const logDir = path.join(runDir, key.replace(/\//g, '__'));
    await mkdir(logDir, { recursive: true });
    const logFile = path.join(logDir, 'terraform.log');
    await writeFile(logFile, planLog(key, s.resources ?? 2, s.extra));
    const status = s.status ?? (mode === 'plan' ? 'planned' : 'applied');
    deployments.push({
      key,
      file: `deployments/${s.project}/${s.project}.tfvars`,
      account,
      region: 'us-east-1',
      project: s.project,
      services: ['s3'],
      status,
      changes: { add: s.resources ?? 2, change: 0, destroy: 0, replace: 0 },
      findings: s.findings ?? [],
      error: s.error,
      timings: [],
      durationMs: 10,
      logFile,
      lane: 0,
      terraformMs: 5,
    });
  }
  const now = new Date().toISOString();
  return {
    run: { id, mode, startedAt: now, cwd: dir, dir: runDir, deleted: [] },
    deployments,
    deleted: [],
    cancelled: false,
    startedAt: now,
    endedAt: now,
    durationMs: 20,
    problems: [],
    exitCode: 0,
  };
}

/** Collects what the plugin writes to stdout (workflow commands). */
export function capture(): { write(text: string): boolean; text(): string } {
  let out = '';
  return {
    write(text: string) {
      out += text;
      return true;
    },
    text: () => out,
  };
}

/**
 * A fake GitHub API on 127.0.0.1 for each test of the file, stopped (and temp folders removed)
 * after it: `const api = useFakeGitHub();` then `api()` inside a test.
 */
export function useFakeGitHub(): () => FakeGitHub {
  let api: FakeGitHub | undefined;
  beforeEach(async () => {
    api = new FakeGitHub();
    await api.start();
  });
  afterEach(async () => {
    await api?.stop();
    await cleanup();
  });
  return () => {
    if (!api) throw new Error('useFakeGitHub: no test is running');
    return api;
  };
}
