import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const BIN = path.join(REPO, 'packages/cli/dist/bin.js');
export const SLOW_MODULE = path.join(REPO, 'packages/cli/test/fixtures/slow-module');

export const ACCOUNTS = {
  dev: { name: 'acme-dev', id: '111111111111', allowedRegions: ['us-east-1', 'eu-west-1'] },
  stage: { name: 'acme-stage', id: '222222222222', allowedRegions: ['us-east-1', 'eu-west-1'] },
  prod: { name: 'acme-prod', id: '333333333333', allowedRegions: ['us-east-1', 'eu-west-1'] },
};

export async function tempDir(prefix = 'tfo-e2e-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** A copy of examples/offline with a JSON config beside it. */
export async function offlineRepo(extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await tempDir();
  await cp(path.join(REPO, 'examples/offline/deployments'), path.join(dir, 'deployments'), { recursive: true });
  await cp(path.join(REPO, 'examples/offline/modules'), path.join(dir, 'modules'), { recursive: true });
  await writeConfig(dir, { deploymentsDir: 'deployments', rootModule: 'modules/root', accounts: ACCOUNTS, ...extra });
  return dir;
}

/**
 * examples/offline with the first-party policies: an `orchestrator.config.ts` beside the JSON one
 * adds opa() and report() (pass `--config orchestrator.config.ts`); node_modules resolves from this repository.
 */
export async function offlineRepoWithPolicies(): Promise<string> {
  const dir = await offlineRepo();
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { opa } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';
import base from './orchestrator.config.json' with { type: 'json' };
export default { ...base, plugins: [opa({ policies: [${JSON.stringify(path.join(REPO, 'packages/plugin-opa/policies'))}] }), report()] };
`,
  );
  return dir;
}

/** A repo over the slow test module with the given tfvars files (path → text). */
export async function slowRepo(files: Record<string, string>, extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await tempDir();
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, 'deployments', rel)), { recursive: true });
    await writeFile(path.join(dir, 'deployments', rel), text);
  }
  await writeConfig(dir, { deploymentsDir: 'deployments', rootModule: SLOW_MODULE, accounts: ACCOUNTS, ...extra });
  return dir;
}

export function slowTfvars(
  buckets: Record<string, { sleep_seconds?: number; fail?: boolean; note?: string }>,
  account = 'dev',
): string {
  const body = Object.entries(buckets)
    .map(
      ([name, b]) =>
        `  ${name} = { sleep_seconds = ${b.sleep_seconds ?? 0}, fail = ${b.fail ?? false}, note = "${b.note ?? ''}" }`,
    )
    .join('\n');
  return `account_key = "${account}"\nregion_code = "use1"\ns3_buckets = {\n${body}\n}\n`;
}

export async function writeConfig(dir: string, config: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(dir, 'orchestrator.config.json'), JSON.stringify(config, null, 2));
}

export function tfo(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): ResultPromise<{ reject: false; all: true }> {
  return execa('node', [BIN, ...args], { cwd, env: { CI: 'true', NO_COLOR: '1', ...env }, reject: false, all: true });
}

export interface JsonResult {
  exitCode: number;
  cancelled: boolean;
  run: { id: string; dir: string };
  deployments: Array<{
    key: string;
    file: string;
    status: string;
    changes?: { add: number; change: number; destroy: number };
    recovery?: { action: string; ok: boolean; detail: string; orphaned?: string[] };
    error?: { stage: string; message: string; code?: string; plugin?: string };
    timings: Array<{ stage: string; startedAt: number; endedAt?: number }>;
    lane: number;
  }>;
}

export async function tfoJson(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; result: JsonResult; output: string }> {
  const out = await tfo([...args, '--json'], cwd, env);
  let result: JsonResult;
  try {
    result = JSON.parse(out.stdout) as JsonResult;
  } catch {
    throw new Error(`tfo ${args.join(' ')} printed no JSON (exit ${out.exitCode}):\n${out.all}`);
  }
  return { code: out.exitCode ?? -1, result, output: out.all ?? '' };
}

export async function readState(
  dir: string,
  key: string,
): Promise<{ serial: number; lineage: string; resources: unknown[] }> {
  return JSON.parse(await readFile(path.join(dir, '.tfo/state', key), 'utf8')) as never;
}

export function byKey(result: JsonResult, key: string): JsonResult['deployments'][number] {
  const d = result.deployments.find((x) => x.key === key);
  if (!d) throw new Error(`no deployment ${key} in ${result.deployments.map((x) => x.key).join(', ')}`);
  return d;
}
