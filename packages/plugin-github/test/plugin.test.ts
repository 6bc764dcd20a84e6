import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { executeRun, STAGE, TfoError, type Plugin } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { annotationCommand, escapeData, escapeProperty, github, lineForResource } from '../src/index.js';
import {
  capture,
  HEAD_SHA,
  makeEngine,
  prEnv,
  runResult,
  tempDir,
  writeEvent,
  useFakeGitHub,
  report,
} from './support.js';

const api = useFakeGitHub();

/** Answers every lifecycle hook, so a whole run goes through without terraform. */
const fakeTerraform: Plugin = {
  name: 'test:fake',
  apply(engine) {
    const t = { name: 'test:fake', stage: STAGE.NORMAL };
    engine.hooks.lock.tapPromise(t, async (ctx) => ({
      key: ctx.deployment.key,
      holder: 't',
      release: async () => {},
    }));
    engine.hooks.plan.tapPromise(t, async (ctx) => {
      ctx.log('$ terraform plan -out=/x/plan.tfplan\nTerraform will perform the following actions:\n  + a\n');
      return {
        hasChanges: true,
        planFile: 'x',
        json: { format_version: '1.2', resource_changes: [] },
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
      };
    });
    engine.hooks.backup.tapPromise(t, async () => undefined);
    engine.hooks.apply.tapPromise(t, async () => true);
    engine.hooks.verify.tapPromise(t, async (ctx) => {
      ctx.verify = { ok: true, detail: 'fake' };
    });
  },
};

async function deploymentsDir(dir: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(dir, 'deployments/api'), { recursive: true });
  await writeFile(
    path.join(dir, 'deployments/api/api.tfvars'),
    'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  logs = {\n    versioning = true\n  }\n}\n',
  );
}

describe('github plugin', () => {
  it('a report that cannot be posted is a run problem (exit 1); the apply itself stands', async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    api().faults.push({ status: 500, times: 100 });
    const plugin = github({
      enabled: true,
      env: prEnv(dir, api().baseUrl),
      stdout: capture(),
      retry: { maxRetries: 1, baseDelayMs: 5 },
      discovery: false,
    });
    const engine = await makeEngine(dir, [fakeTerraform, plugin]);
    await deploymentsDir(dir);
    const result = await executeRun(engine, { mode: 'apply' });
    expect(result.deployments.map((d) => d.status)).toEqual(['applied']);
    expect(result.problems).toEqual([
      {
        plugin: 'github',
        message: `pull request comment not posted: GET ${api().baseUrl}/repos/acme/infra/issues/7/comments: HTTP 500 fault 500`,
      },
      {
        plugin: 'github',
        message: `check not reported: POST ${api().baseUrl}/repos/acme/infra/check-runs: HTTP 500 fault 500`,
      },
    ]);
    expect(result.exitCode).toBe(1);
  });

  it('falls back to a commit status when the token may not create check runs', async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    api().faults.push({
      method: 'POST',
      path: '/repos/acme/infra/check-runs',
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const engine = await makeEngine(dir, [
      github({ enabled: true, env: prEnv(dir, api().baseUrl), stdout: capture(), comment: false }),
    ]);
    const result = await runResult(dir, 'plan', [
      {
        project: 'api',
        status: 'blocked',
        findings: [
          {
            ruleId: 'TFO-S3-001',
            severity: 'high',
            level: 'deny',
            title: 'Public bucket',
            message: 'reads are public',
            source: 'opa',
          },
        ],
      },
    ]);
    await report(engine, result);
    expect(result.problems).toEqual([]);
    expect(api().writes()).toEqual([
      'POST /repos/acme/infra/check-runs',
      `POST /repos/acme/infra/statuses/${HEAD_SHA}`,
    ]);
    expect(api().requests[1]!.body).toEqual({
      state: 'failure',
      context: 'tfo/plan',
      description: 'blocked by policy: 1 blocked by policy',
      target_url: 'https://github.com/acme/infra/actions/runs/4242',
    });
  });

  it('writes the step summary and escaped annotations on the tfvars lines', async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    await deploymentsDir(dir);
    const out = capture();
    const engine = await makeEngine(dir, [
      github({ enabled: true, env: prEnv(dir, api().baseUrl), stdout: out, check: 'none' }),
    ]);
    const result = await runResult(dir, 'plan', [
      {
        project: 'api',
        status: 'blocked',
        findings: [
          {
            ruleId: 'TFO-S3-001',
            severity: 'high',
            level: 'deny',
            title: 'Public, readable: bucket',
            message: '100% public\nsecond line',
            resource: 'aws_s3_bucket.this["logs"]',
            source: 'opa',
            file: 'deployments/api/api.tfvars',
          },
          {
            ruleId: 'TFO-S3-009',
            severity: 'low',
            level: 'warn',
            title: 'No lifecycle',
            message: 'add one',
            source: 'opa',
          },
          {
            ruleId: 'TFO-S3-012',
            severity: 'low',
            level: 'deny',
            title: 'Waived',
            message: 'waived one',
            source: 'opa',
            waived: { reason: 'r', expires: '2099-01-01' },
          },
        ],
      },
    ]);
    await report(engine, result);
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      '::error file=deployments/api/api.tfvars,line=4,title=TFO-S3-001 aws_s3_bucket.this["logs"]::' +
        'Public, readable: bucket%0A100%25 public%0Asecond line',
      '::warning file=deployments/api/api.tfvars,title=TFO-S3-009::No lifecycle%0Aadd one',
    ]);
    const summary = await readFile(path.join(dir, 'step-summary.md'), 'utf8');
    expect(summary.startsWith('### tfo plan: blocked by policy\n\n1 blocked by policy\n')).toBe(true);
    expect(summary).toContain('⛔ `TFO-S3-001` on `aws_s3_bucket.this["logs"]`: 100% public second line');
    expect(summary).toContain('🏳️ `TFO-S3-012` (waived): waived one');
  });

  it('on a push, the apply comment goes to the pull request the commit merged', async () => {
    const dir = await tempDir();
    const sha = 'a'.repeat(40);
    api().pullsOfCommit.set(sha, [
      { number: 3, merge_commit_sha: 'e'.repeat(40) },
      { number: 12, merge_commit_sha: sha },
    ]);
    const env = prEnv(dir, api().baseUrl, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: undefined, GITHUB_SHA: sha });
    const engine = await makeEngine(dir, [github({ enabled: true, env, stdout: capture() })]);
    await report(engine, await runResult(dir, 'apply', [{ project: 'api' }]));
    expect(api().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/infra/commits/${sha}/pulls`,
      'GET /repos/acme/infra/issues/12/comments?per_page=100',
      'POST /repos/acme/infra/issues/12/comments',
      'POST /repos/acme/infra/check-runs',
    ]);
    expect((api().requests[3]!.body as { head_sha: string }).head_sha).toBe(sha);
  });

  // whether `auto` finds GitHub Actions (ci-info): detection.test.ts
  it('is a no-op when turned off, and reports when forced on', async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    const out = capture();
    const env = prEnv(dir, api().baseUrl);
    const off = await makeEngine(dir, [github({ env, stdout: out, enabled: false })]);
    await report(off, await runResult(dir, 'plan', [{ project: 'api' }]));
    expect(api().requests).toEqual([]);
    expect(out.text()).toBe('');

    const forced = await makeEngine(dir, [github({ env, stdout: out, enabled: true })]);
    await report(forced, await runResult(dir, 'plan', [{ project: 'api' }]));
    expect(api().writes()).toEqual(['POST /repos/acme/infra/issues/7/comments', 'POST /repos/acme/infra/check-runs']);
  });

  it('without a token: the step summary is written and the missing token is a run problem', async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    const engine = await makeEngine(dir, [
      github({ enabled: true, env: prEnv(dir, api().baseUrl, { GITHUB_TOKEN: undefined }), stdout: capture() }),
    ]);
    const result = await runResult(dir, 'plan', [{ project: 'api' }]);
    await report(engine, result);
    expect(api().requests).toEqual([]);
    expect(await readFile(path.join(dir, 'step-summary.md'), 'utf8')).toContain('### tfo plan: success');
    expect(result.problems).toEqual([
      {
        plugin: 'github',
        message:
          'GITHUB_TOKEN is not set: no pull request comment or check was posted; ' +
          'pass it to the step (env: GITHUB_TOKEN: ${{ github.token }})',
      },
    ]);
  });

  it('validates its options', () => {
    expect(() => github({ maxCommentChars: 70_000 })).toThrow(TfoError);
    expect(() => github({ id: 'a b' })).toThrow(/id: letters, digits/);
    expect(() => github({ nope: 1 } as never)).toThrow(/Unrecognized key/);
  });
});

describe('workflow commands', () => {
  it('escapes data and properties as the runner expects', () => {
    expect(escapeData('50%\r\nnext: a, b')).toBe('50%25%0D%0Anext: a, b');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    expect(annotationCommand({ level: 'warning', message: 'plain' })).toBe('::warning::plain');
    expect(
      annotationCommand({ level: 'error', file: 'deploy,ments/a:b.tfvars', line: 3, title: 'T: x', message: 'm' }),
    ).toBe('::error file=deploy%2Cments/a%3Ab.tfvars,line=3,title=T%3A x::m');
  });

  it('finds the tfvars line of a resource by its for_each key or name', () => {
    const tfvars = 'account_key = "dev"\ns3_buckets = {\n  "logs" = {\n    a = 1\n  }\n  site = {\n  }\n}\n';
    expect(lineForResource(tfvars, 'aws_s3_bucket.this["logs"]')).toBe(3);
    expect(lineForResource(tfvars, 'module.x.aws_s3_bucket.site')).toBe(6);
    expect(lineForResource(tfvars, 'aws_s3_bucket.other')).toBeUndefined();
    expect(lineForResource(tfvars, undefined)).toBeUndefined();
  });
});
