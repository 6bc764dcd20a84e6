// TF_LOG=DEBUG makes terraform print the AWS SDK's HTTP requests and responses (request bodies
// with the values being written, STS responses with session tokens). Users turn it on when
// something fails and then attach what tfo wrote: no secret may be in any of it. The built CLI runs
// `tfo plan` and `tfo apply` with TF_LOG=DEBUG on a deployment whose root module takes a password
// in a sensitive variable, against moto on 127.0.0.1 through an assumed role; then every file tfo
// wrote for people is read. Exempt: the raw per-call terraform output (`*.out`, the documented
// unredacted record), tfo's private machine copies of the plan and the inputs (`plan.json`, what
// `terraform show -json` gives and the policy gate reads, and `inputs.tfvars`, the recovery
// snapshot), which must all be mode 0600; plan files (`*.tfplan`) and tfo's state and backups
// (outside the run folders).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { terraformEnv } from '../../../scripts/lib/terraform-moto.mjs';
import { REPO, tempDir, tfo } from './support.js';

// fabricated, built from parts: an access key pair of the real shapes, a password, an external id
const ACCESS_KEY_ID = ['AKIA', 'EXAMPLE', 'TFOE2E', 'LOG'].join('');
const SECRET_ACCESS_KEY = ['tfoE2e', 'EXAMPLE', 'Secret/', 'q8Lk+Zr2Vw7Nx4Tp', '9c'].join('');
const DB_PASSWORD = ['Orders', '-e2e-', 'Pa55w0rd', '-7Qx9!'].join('');
const EXTERNAL_ID = 'tfo-e2e-external-id-5c1d';

const MAIN_TF = `terraform {
  backend "local" {}
  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "account_key" { type = string }
variable "region_code" { type = string }
variable "ssm_parameters" {
  type = map(object({ description = string }))
}
variable "db_password" {
  type      = string
  sensitive = true
}
variable "tfo_role_arn" {
  type    = string
  default = ""
}
variable "tfo_region" {
  type    = string
  default = "us-east-1"
}

provider "aws" {
  region                      = var.tfo_region
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  assume_role {
    role_arn     = var.tfo_role_arn
    session_name = "tfo-e2e-debug-session"
    external_id  = "${EXTERNAL_ID}"
  }
}

resource "aws_ssm_parameter" "p" {
  for_each    = var.ssm_parameters
  name        = "/acme/dev/\${each.key}"
  description = each.value.description
  type        = "SecureString"
  value       = var.db_password
}

resource "aws_secretsmanager_secret" "app" {
  name = "acme/dev/orders"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id     = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({ username = "orders_admin", password = var.db_password })
}

output "db_password" {
  value     = var.db_password
  sensitive = true
}
`;

const TFVARS = `account_key = "dev"
region_code = "use1"
ssm_parameters = {
  "db-password" = { description = "orders database password" }
}
db_password = ${JSON.stringify(DB_PASSWORD)}
`;

let moto: MotoServer;
let dir: string;
let env: Record<string, string>;
let summary: string;
let junit: string;

beforeAll(async () => {
  moto = await startMoto();
  dir = await tempDir('tfo-tflog-');
  await mkdir(path.join(dir, 'modules/root'), { recursive: true });
  await writeFile(path.join(dir, 'modules/root/main.tf'), MAIN_TF);
  await mkdir(path.join(dir, 'deployments/dev/orders'), { recursive: true });
  await writeFile(path.join(dir, 'deployments/dev/orders/orders.tfvars'), TFVARS);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  // the policy gate (SARIF) and the GitHub step summary and annotations, as in a CI job
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { defineConfig } from '@tfo/engine';
import { github } from '@tfo/plugin-github';
import { opa } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';
export default defineConfig({
  deploymentsDir: 'deployments',
  rootModule: 'modules/root',
  accounts: {
    dev: {
      name: 'acme-dev',
      id: '111111111111',
      roleArn: 'arn:aws:iam::111111111111:role/tfo-deployer',
      allowedRegions: ['us-east-1'],
    },
  },
  plugins: [
    opa({ policies: [${JSON.stringify(path.join(REPO, 'packages/plugin-opa/policies'))}] }),
    github({ enabled: true, discovery: false, comment: false, check: 'none' }),
    report(),
  ],
});
`,
  );
  const work = await tempDir('tfo-tflog-work-');
  summary = path.join(work, 'step-summary.md');
  junit = path.join(work, 'junit.xml');
  await writeFile(summary, '');
  const tf = await terraformEnv({ work, endpoint: moto.endpoint });
  env = {
    TF_CLI_CONFIG_FILE: tf.TF_CLI_CONFIG_FILE!,
    TF_PLUGIN_CACHE_DIR: tf.TF_PLUGIN_CACHE_DIR!,
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_LOG: 'DEBUG',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SHA: '9c4f0a2be1d37e6a8c1f0b7d2e5a4c3b1f0e9d8c',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: dir,
  };
});

afterAll(async () => {
  await moto?.stop();
});

/** Every file under a folder, recursively. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const p = path.join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Files tfo keeps unredacted for itself, mode 0600 (see the top of this file). */
function isPrivateRecord(file: string): boolean {
  return file.endsWith('.out') || ['plan.json', 'inputs.tfvars'].includes(path.basename(file));
}

/** The forms a value takes in text tfo might show: as is, JSON-escaped, base64, URL-encoded. */
function formsOf(value: string): string[] {
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
    encodeURIComponent(value),
  ];
}

describe('tfo plan and apply with TF_LOG=DEBUG', () => {
  it('leaves no secret in any file written for people', async () => {
    const runs: Array<{ name: string; stdout: string; stderr: string }> = [];
    for (const command of ['plan', 'apply']) {
      const out = await tfo([command, '--junit', junit], dir, env);
      // the run itself must work, or the check below says nothing
      expect(out.exitCode, out.all).toBe(0);
      runs.push({ name: `tfo ${command}`, stdout: out.stdout, stderr: out.stderr });
    }

    const runDirs = (await readdir(path.join(dir, '.tfo/runs'))).map((id) => path.join(dir, '.tfo/runs', id));
    expect(runDirs.length).toBeGreaterThanOrEqual(2);
    const files = (await Promise.all(runDirs.map(walk))).flat();

    // the raw records: TF_LOG output is there, unredacted, and readable by the owner only
    const raw = files.filter(isPrivateRecord);
    expect(raw.filter((f) => f.endsWith('.out')).length).toBeGreaterThan(0);
    let rawText = '';
    for (const f of raw) {
      expect((await stat(f)).mode & 0o777, f).toBe(0o600);
      if (f.endsWith('.out')) rawText += await readFile(f, 'utf8');
    }
    expect(rawText).toContain('HTTP Request Sent');
    // what the AWS SDK's debug log carries: the password in request bodies, session tokens in
    // the STS responses (found in the raw record, so the check below is not vacuous)
    const sessionTokens = [...rawText.matchAll(/<SessionToken>([^<]{16,})<\/SessionToken>/g)].map((m) => m[1]!);
    expect(sessionTokens.length).toBeGreaterThan(0);
    expect(rawText).toContain(DB_PASSWORD);

    const secrets = new Map<string, string>();
    for (const form of formsOf(DB_PASSWORD)) secrets.set(form, 'db_password (sensitive variable)');
    const asJson = JSON.stringify({ password: DB_PASSWORD, username: 'orders_admin' });
    for (const form of formsOf(asJson)) secrets.set(form, 'secret_string (JSON with db_password)');
    for (const form of formsOf(SECRET_ACCESS_KEY)) secrets.set(form, 'AWS secret access key');
    for (const token of new Set(sessionTokens)) secrets.set(token, 'STS session token');
    secrets.set(EXTERNAL_ID, 'assume_role external_id');

    // every file written for people: the run folders less the raw record and plan files, the
    // step summary, the JUnit file; and what tfo printed
    const exempt = (f: string): boolean => isPrivateRecord(f) || f.endsWith('.tfplan');
    const looked: Array<{ name: string; text: string }> = [];
    for (const f of files.filter((x) => !exempt(x)))
      looked.push({ name: path.relative(dir, f), text: await readFile(f, 'utf8') });
    for (const f of [summary, junit])
      if (existsSync(f)) looked.push({ name: path.basename(f), text: await readFile(f, 'utf8') });
    for (const r of runs)
      looked.push({ name: `${r.name} stdout`, text: r.stdout }, { name: `${r.name} stderr`, text: r.stderr });

    const names = looked.map((l) => l.name);
    console.log(`tf-log-redaction: looked at ${looked.length} files and streams:\n  ${names.join('\n  ')}`);
    expect(looked.length).toBeGreaterThan(0);
    // each kind of file written for people was there to be read
    for (const end of ['terraform.log', 'result.json', 'report.html', 'policy.sarif'])
      expect(names.filter((n) => n.endsWith(end)).length, end).toBe(2);
    expect(names).toContain('step-summary.md');
    expect(names).toContain('junit.xml');

    const leaks: string[] = [];
    for (const { name, text } of looked)
      for (const [value, what] of secrets) if (text.includes(value)) leaks.push(`${name}: ${what}`);
    expect([...new Set(leaks)]).toEqual([]);
  });
});
