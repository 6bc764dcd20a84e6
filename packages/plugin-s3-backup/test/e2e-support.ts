// Helpers for the e2e tests: a deployment repository in a temp dir whose orchestrator.config.ts
// uses s3Backup() against a local moto (or a proxy in front of it), driven through the built CLI.
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { S3BackupOptions } from '../src/options.js';
import { motoJournal } from './support.js';

export const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const BIN = path.join(REPO, 'packages/cli/dist/bin.js');
export const FIXTURE = path.join(REPO, 'packages/plugin-s3-backup/test/fixtures/s3-module');

export const ENV: Record<string, string> = {
  CI: 'true',
  NO_COLOR: '1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export type Buckets = Record<string, { sleep_seconds?: number; fail?: boolean; note?: string }>;

export function tfvars(buckets: Buckets): string {
  const body = Object.entries(buckets)
    .map(
      ([name, b]) =>
        `  ${name} = { sleep_seconds = ${b.sleep_seconds ?? 0}, fail = ${b.fail ?? false}, note = "${b.note ?? ''}" }`,
    )
    .join('\n');
  return `account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n${body}\n}\n`;
}

/** State key of project `p` (deployments/dev/<p>/<p>.tfvars). */
export const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;

/**
 * A deployment repository in a temp dir: the fixture root module copied into it (terraform writes
 * errored.tfstate into its working directory, which must not be the repository's fixture), one
 * tfvars file per project, and a TypeScript config that imports @tfo/plugin-s3-backup (and,
 * with `withAudit`, composes audit() with its file sink under .tfo/audit).
 */
export async function s3Repo(
  plugin: S3BackupOptions,
  projects: Record<string, Buckets>,
  extraConfig = '',
  withAudit = false,
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-s3-e2e-'));
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await cp(FIXTURE, path.join(dir, 'module'), { recursive: true });
  for (const [p, b] of Object.entries(projects)) await writeProject(dir, p, b);
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { s3Backup } from '@tfo/plugin-s3-backup';
${withAudit ? "import { audit } from '@tfo/plugin-audit';\n" : ''}export default {
  deploymentsDir: 'deployments',
  rootModule: 'module',
  accounts: { dev: { name: 'acme-dev', id: '111111111111', allowedRegions: ['us-east-1'] } },
  plugins: [s3Backup(${JSON.stringify(plugin, null, 2)})${withAudit ? ', audit()' : ''}],
  ${extraConfig}
};
`,
  );
  return dir;
}

export async function writeProject(dir: string, project: string, buckets: Buckets): Promise<void> {
  await mkdir(path.join(dir, 'deployments/dev', project), { recursive: true });
  await writeFile(path.join(dir, 'deployments/dev', project, `${project}.tfvars`), tfvars(buckets));
}

export function tfo(
  args: string[],
  cwd: string,
  opts: { timeout?: number } = {},
): ResultPromise<{ reject: false; all: true; timeout: number }> {
  return execa('node', [BIN, ...args], {
    cwd,
    env: ENV,
    reject: false,
    all: true,
    timeout: opts.timeout ?? 300_000,
  });
}

export interface Timing {
  stage: string;
  startedAt: number;
  endedAt?: number;
  ok?: boolean;
}

export interface DeploymentJson {
  key: string;
  status: string;
  changes?: { add: number; change: number; destroy: number };
  recovery?: { action: string; ok: boolean; detail: string; orphaned?: string[] };
  error?: { stage: string; message: string; code?: string; plugin?: string };
  timings: Timing[];
  logFile: string;
}

export interface RunJson {
  exitCode: number;
  run: { id: string; dir: string };
  deployments: DeploymentJson[];
}

export function parseRun(stdout: string, all: string | undefined, what: string): RunJson {
  try {
    return JSON.parse(stdout) as RunJson;
  } catch {
    throw new Error(`${what} printed no JSON:\n${all ?? stdout}`);
  }
}

export async function tfoJson(
  args: string[],
  cwd: string,
  opts: { timeout?: number } = {},
): Promise<{ code: number; result: RunJson; output: string }> {
  const out = await tfo([...args, '--json'], cwd, opts);
  return {
    code: out.exitCode ?? -1,
    result: parseRun(out.stdout, out.all, `tfo ${args.join(' ')}`),
    output: out.all ?? '',
  };
}

export function byKey(result: RunJson, key: string): DeploymentJson {
  const d = result.deployments.find((x) => x.key === key);
  if (!d) throw new Error(`no deployment ${key} in ${result.deployments.map((x) => x.key).join(', ')}`);
  return d;
}

/** A deployment's log plus the error, and what moto answered for its key, for assertion messages. */
export async function explain(d: DeploymentJson): Promise<string> {
  const log = await readFile(d.logFile, 'utf8').catch(() => '(no log)');
  return `${d.key}: ${d.status} ${JSON.stringify(d.error ?? {})} ${JSON.stringify(d.recovery ?? {})}\n${log.slice(-4000)}\n--- moto ---\n${motoJournal(d.key)}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
