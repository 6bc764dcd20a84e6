// Real terraform, through the built CLI, on a copy of examples/offline: a value terraform marks
// sensitive that the module also prints (nonsensitive()) reaches no file or output tfo writes for
// people, nor `tfo audit query --output` of the records that hold the full output.
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { offlineRepo, REPO, tfo } from './support.js';

const OLD = ['e2e', 'db', 'pass', 'Vb7Rq2'].join('-');
const NEW = ['e2e', 'db', 'pass', 'Hn3Ks8'].join('-');

const SECRET_TF = `
variable "db_password" {
  type      = string
  sensitive = true
  default   = "unset-default"
}

output "db_password" {
  value     = var.db_password
  sensitive = true
}

# printed in plans and applies: what a careless module does
output "db_password_shown" {
  value = nonsensitive(var.db_password)
}

resource "terraform_data" "secret_note" {
  input = "note: \${nonsensitive(var.db_password)}"
}
`;

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function repo(): Promise<string> {
  const dir = await offlineRepo();
  dirs.push(dir);
  await writeFile(path.join(dir, 'modules/root/secret.tf'), SECRET_TF);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit } from '@tfo/plugin-audit';
import { report } from '@tfo/plugin-report';
import base from './orchestrator.config.json' with { type: 'json' };
export default { ...base, plugins: [audit(), report()] };
`,
  );
  return dir;
}

function leaks(surfaces: Record<string, string>, secrets: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [surface, text] of Object.entries(surfaces)) {
    for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) out.push(`${surface}: ${name}`);
  }
  return out;
}

describe('redaction on every surface, with real terraform', () => {
  it('apply, then a plan with a new value: terminal, --json, result.json, HTML, JUnit, report, audit query', async () => {
    const dir = await repo();
    const only = ['--config', 'orchestrator.config.ts', '--only', '**/app-assets/**'];
    const applied = await tfo(['apply', ...only, '--junit', 'apply.xml'], dir, { TF_VAR_db_password: OLD });
    expect(applied.exitCode, applied.all).toBe(0);
    const runId = /apply (\S+):/.exec(applied.all ?? '')?.[1];
    expect(runId, applied.all).toBeTruthy();
    const runDir = path.join(dir, '.tfo/runs', runId!);
    // terraform printed it: the log (full output, for its owner) has it
    const logs = await tfo(['audit', 'query', '--config', 'orchestrator.config.ts', '--output', '--json'], dir);
    expect(logs.exitCode, logs.all).toBe(0);
    const slugged = (await readFile(path.join(runDir, 'result.json'), 'utf8')).match(/"logFile": "([^"]+)"/)?.[1];
    expect(await readFile(slugged!, 'utf8')).toContain(OLD);

    const planned = await tfo(['plan', ...only, '--json'], dir, { TF_VAR_db_password: NEW });
    expect(planned.exitCode, planned.all).toBe(0);
    const planRun = JSON.parse(planned.stdout) as { run: { dir: string } };
    const report = await tfo(['report', '--config', 'orchestrator.config.ts', '--junit', 'report.xml'], dir);
    expect(report.exitCode, report.all).toBe(0);
    const query = await tfo(['audit', 'query', '--config', 'orchestrator.config.ts', '--output'], dir);
    expect(query.exitCode, query.all).toBe(0);
    expect(query.stdout).toContain('terraform_data');

    const surfaces = {
      'apply terminal': applied.all ?? '',
      'apply result.json': await readFile(path.join(runDir, 'result.json'), 'utf8'),
      'apply report.html': await readFile(path.join(runDir, 'report.html'), 'utf8'),
      'apply --junit': await readFile(path.join(dir, 'apply.xml'), 'utf8'),
      'plan --json and terminal': planned.all ?? '',
      'plan report.html': await readFile(path.join(planRun.run.dir, 'report.html'), 'utf8'),
      'tfo report --junit': await readFile(path.join(dir, 'report.xml'), 'utf8'),
      'audit query --output --json': logs.stdout,
      'audit query --output': query.stdout,
    };
    expect(leaks(surfaces, { OLD, NEW })).toEqual([]);
    // the logs are in the reports, redacted: the planted line is there, its value is not
    expect(surfaces['plan report.html']).toContain('db_password_shown');
  }, 240_000);
});
