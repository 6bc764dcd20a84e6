import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

// js-yaml ships no types of its own: only `load` is used
const { load } = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  permissions: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { workflow_call: { inputs: Record<string, { type: string; default: unknown }> } };
  jobs: Record<string, Job>;
}

const workflow = async (): Promise<Workflow> =>
  load(await readFile(path.join(ROOT, '.github/workflows/tfo.yml'), 'utf8')) as Workflow;

describe('the reusable workflow uploads the policy SARIF to code scanning', () => {
  it('has a code-scanning input (default on) and a sarif-file input', async () => {
    const { inputs } = (await workflow()).on.workflow_call;
    expect(inputs['code-scanning']).toMatchObject({ type: 'boolean', default: true });
    expect(inputs['sarif-file']).toMatchObject({ type: 'string', default: '' });
  });

  for (const [job, command] of [
    ['plan', /tfo plan/],
    ['apply', /tfo apply/],
  ] as const) {
    it(`${job}: after tfo, always, with upload-sarif pinned to a version and the permission it needs`, async () => {
      const { permissions, steps } = (await workflow()).jobs[job]!;
      expect(permissions['security-events']).toBe('write');
      expect(permissions.actions).toBe('read');
      const tfo = steps.findIndex((s) => command.test(s.run ?? ''));
      const find = steps.findIndex((s) => s.id === 'sarif');
      const upload = steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
      expect(tfo).toBeGreaterThan(0);
      expect(find).toBeGreaterThan(tfo);
      expect(upload).toBeGreaterThan(find);
      expect(steps[upload]!.uses).toMatch(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
      for (const s of [steps[find]!, steps[upload]!]) {
        expect(s.if).toMatch(/always\(\)/);
        expect(s.if).toMatch(/inputs\.code-scanning/);
      }
      expect(steps[upload]!.if).toMatch(/steps\.sarif\.outputs\.file != ''/);
      expect(steps[upload]!.with).toMatchObject({ sarif_file: '${{ steps.sarif.outputs.file }}' });
      expect(String(steps[upload]!.with?.category)).toMatch(/inputs\.working-directory/);
    });
  }

  it('every action is pinned to a version or a commit', async () => {
    for (const job of Object.values((await workflow()).jobs)) {
      for (const s of job.steps) if (s.uses) expect(s.uses).toMatch(/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it('the example caller grants what the jobs request', async () => {
    const caller = load(await readFile(path.join(ROOT, '.github/examples/tfo-caller.yml'), 'utf8')) as {
      permissions: Record<string, string>;
    };
    for (const job of Object.values((await workflow()).jobs)) {
      for (const [scope, level] of Object.entries(job.permissions)) {
        const rank = (l: string | undefined): number => ['none', 'read', 'write'].indexOf(l ?? 'none');
        expect(rank(caller.permissions[scope]), scope).toBeGreaterThanOrEqual(rank(level));
      }
    }
  });

  describe('the step that finds the SARIF, run as the workflow runs it', () => {
    async function findSarif(
      files: string[],
      env: { SARIF_FILE?: string; WORKDIR?: string } = {},
    ): Promise<{ output: string; stdout: string }> {
      const step = (await workflow()).jobs.plan!.steps.find((s) => s.id === 'sarif')!;
      const dir = await mkdtemp(path.join(tmpdir(), 'tfo-workflow-'));
      for (const [i, f] of files.entries()) {
        await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
        await writeFile(path.join(dir, f), '{}');
        // later files are newer
        await execa('touch', ['-d', `2026-01-01 00:00:0${i}`, path.join(dir, f)]);
      }
      const output = path.join(dir, 'github-output');
      await writeFile(output, '');
      const { stdout } = await execa('bash', ['-e', '-o', 'pipefail', '-c', step.run!], {
        cwd: dir,
        env: { SARIF_FILE: '', WORKDIR: '.', ...env, GITHUB_OUTPUT: output },
      });
      return { output: await readFile(output, 'utf8'), stdout };
    }

    it('names the newest run folder policy.sarif, from the workspace root', async () => {
      const out = await findSarif(['.tfo/runs/a/policy.sarif', '.tfo/runs/b/policy.sarif'], { WORKDIR: 'infra' });
      expect(out.output).toBe('file=infra/.tfo/runs/b/policy.sarif\n');
    });

    it('uses the sarif-file input when the config writes the SARIF elsewhere', async () => {
      const out = await findSarif(['.tfo/runs/a/policy.sarif', 'reports/policy.sarif'], {
        SARIF_FILE: 'reports/policy.sarif',
      });
      expect(out.output).toBe('file=./reports/policy.sarif\n');
    });

    it('names nothing (and does not fail) when tfo wrote no SARIF', async () => {
      const out = await findSarif([]);
      expect(out.output).toBe('');
      expect(out.stdout).toMatch(/::notice::no policy SARIF/);
    });
  });
});

describe('the reusable workflow installs opa only when asked', () => {
  it('has an opa-version input, empty by default (the first-party policies ship compiled)', async () => {
    const { inputs } = (await workflow()).on.workflow_call;
    expect(inputs['opa-version']).toMatchObject({ type: 'string', default: '' });
  });

  for (const job of ['plan', 'apply']) {
    it(`${job}: sets up opa before tfo runs, only when opa-version is given`, async () => {
      const { steps } = (await workflow()).jobs[job]!;
      const setup = steps.findIndex((s) => (s.uses ?? '').startsWith('open-policy-agent/setup-opa@'));
      const tfo = steps.findIndex((s) => new RegExp(`tfo ${job}`).test(s.run ?? ''));
      expect(setup).toBeGreaterThan(-1);
      expect(setup).toBeLessThan(tfo);
      expect(steps[setup]!.if).toBe("inputs.opa-version != ''");
      expect(String(steps[setup]!.with?.version)).toMatch(/inputs\.opa-version/);
    });
  }
});
