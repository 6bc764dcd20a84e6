import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listDeployments, PluginError, TfoError, type EngineEvents } from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { github } from '../src/index.js';
import { cleanup, makeEngine, prEnv, tempDir, writeEvent } from './support.js';

afterEach(cleanup);

const TFVARS = (bucket: string): string =>
  `account_key = "dev"\nregion_code = "use1"\ns3_buckets = { ${bucket} = { versioning = true } }\n`;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: dir,
    },
  }).trim();
}

async function put(dir: string, file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), text);
}

/**
 * main: api, web, old, keep. The PR branch changes api, adds new, deletes old and moves keep to
 * kept; main then moves on (web changes). The job's work tree is GitHub's merge of both.
 */
async function pullRequestRepo(changeModule = false) {
  const dir = await tempDir();
  const engine = await makeEngine(dir, [github({ enabled: true, env: prEnv(dir, 'http://127.0.0.1:9') })]);
  git(dir, 'init', '-q', '-b', 'main');
  for (const p of ['api', 'web', 'old', 'keep']) await put(dir, `deployments/${p}/${p}.tfvars`, TFVARS(p));
  await writeFile(path.join(dir, '.gitignore'), 'event.json\nstep-summary.md\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  await put(dir, 'deployments/api/api.tfvars', TFVARS('api2'));
  await put(dir, 'deployments/new/new.tfvars', TFVARS('new'));
  await rm(path.join(dir, 'deployments/old/old.tfvars'));
  await mkdir(path.join(dir, 'deployments/kept'));
  git(dir, 'mv', 'deployments/keep/keep.tfvars', 'deployments/kept/keep.tfvars');
  if (changeModule) await put(dir, 'modules/app/main.tf', 'terraform {}\n# changed\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature');
  const head = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'main');
  await put(dir, 'deployments/web/web.tfvars', TFVARS('web2'));
  git(dir, 'commit', '-q', '-am', 'main moves on');
  const base = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '--detach', base);
  git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', head);
  await writeEvent(dir, 7, base, head);
  return { dir, engine, base, head };
}

describe('pull request discovery', () => {
  it('keeps the tfvars the PR changed (merge-base diff), reports deleted and renamed-away ones', async () => {
    const { engine, head } = await pullRequestRepo();
    const notices: Array<EngineEvents['notice']> = [];
    engine.events.on('notice', (n) => notices.push(n));
    const { deployments, run } = await listDeployments(engine, {});
    // web changed on main only, not in the PR; the merged work tree would list it
    expect(deployments.map((d) => d.file)).toEqual([
      'deployments/api/api.tfvars',
      'deployments/kept/keep.tfvars',
      'deployments/new/new.tfvars',
    ]);
    expect(run.deleted.map((d) => d.file)).toEqual(['deployments/keep/keep.tfvars', 'deployments/old/old.tfvars']);
    expect(run.deleted[1]!.reason).toBe(
      'deleted by pull request #7: its resources are NOT destroyed; destroy them explicitly',
    );
    expect(run.deleted[0]!.reason).toContain('renamed to deployments/kept/keep.tfvars');
    expect(notices).toContainEqual({
      level: 'info',
      message: expect.stringMatching(
        new RegExp(
          `^pull request #7: 3 of 4 deployments changed \\(git diff [0-9a-f]{12}\\.\\.\\.${head.slice(0, 12)}\\)$`,
        ),
      ),
    });
  });

  it('a changed root module keeps every deployment that uses it', async () => {
    const { engine } = await pullRequestRepo(true);
    const { deployments } = await listDeployments(engine, {});
    expect(deployments.map((d) => d.project)).toEqual(['api', 'kept', 'new', 'web']);
  });

  it('an explicit --changed-from is left as the user chose', async () => {
    const { dir, engine, base } = await pullRequestRepo();
    const forkPoint = git(dir, 'rev-parse', `${base}~1`);
    const { deployments } = await listDeployments(engine, { changedFrom: forkPoint });
    // the engine's diff from the fork point to the merged work tree: web (changed on main) too
    expect(deployments.map((d) => d.project)).toEqual(['api', 'kept', 'new', 'web']);
  });

  it('a base commit missing from the clone is an input error that says how to fetch it', async () => {
    const { dir, engine, head } = await pullRequestRepo();
    await writeEvent(dir, 7, 'd'.repeat(40), head);
    const err = await listDeployments(engine, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).isInputError).toBe(true);
    expect(((err as PluginError).cause as TfoError).code).toBe('TFO_ERR_GIT');
    expect((err as Error).message).toBe(
      `plugin "github" failed in discover: pull request #7: its base commit ${'d'.repeat(40)} is not in this ` +
        'clone (a shallow fetch?): check out with full history (actions/checkout with `fetch-depth: 0`), or fetch ' +
        `both commits first: git fetch --no-tags origin ${'d'.repeat(40)} ${head}`,
    );
  });

  it('a shallow clone whose history misses the merge base says so', async () => {
    const { dir, base, head } = await pullRequestRepo();
    const clone = path.join(dir, 'shallow');
    git(dir, 'clone', '-q', '--depth', '1', '--no-local', `file://${dir}`, clone);
    git(clone, 'fetch', '-q', '--depth', '1', 'origin', base, head);
    await writeEvent(clone, 7, base, head);
    const engine = await makeEngine(clone, [github({ enabled: true, env: prEnv(clone, 'http://127.0.0.1:9') })]);
    await expect(listDeployments(engine, {})).rejects.toThrow(
      /does not reach the common ancestor of .*`fetch-depth: 0`/,
    );
  });

  it('does nothing when turned off, or in a job that is not a pull request', async () => {
    const { dir } = await pullRequestRepo();
    for (const options of [
      { enabled: false, env: prEnv(dir, '') },
      { enabled: true, env: prEnv(dir, '', { GITHUB_EVENT_NAME: 'push' }) },
    ]) {
      const engine = await makeEngine(dir, [github(options)]);
      const { deployments } = await listDeployments(engine, {});
      expect(deployments).toHaveLength(4);
    }
  });
});
