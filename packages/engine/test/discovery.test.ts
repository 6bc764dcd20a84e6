import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, it, expect } from 'vitest';
import { configSchema, type TfoConfig, type TfoConfigInput } from '../src/config/config-schema.js';
import { discoverDeployments, type DiscoverOptions } from '../src/discovery/discovery.js';
import type { TfvarsReply, TfvarsTask } from '../src/discovery/tfvars.worker.js';
import { WorkerPool, workerPath } from '../src/run/worker-pool.js';
import { TfoError } from '../src/errors.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function makeConfig(extra: Partial<TfoConfigInput> = {}): TfoConfig {
  return configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: {
      dev: { name: 'acme-dev', id: '111111111111' },
      prod: { name: 'acme-prod', id: '222222222222', allowedRegions: ['us-east-1'] },
    },
    ...extra,
  });
}

const tfvars = (service: string, account = 'dev', region = 'use1'): string =>
  `account_key = "${account}"\nregion_code = "${region}"\n${service} = {\n  main = { name = "x" }\n}\n`;

async function write(root: string, rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

/** A config directory holding `files` plus a root module at modules/app. */
async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-discovery-'));
  dirs.push(dir);
  await write(dir, 'modules/app/main.tf', 'variable "x" {\n  default = 1\n}\n');
  for (const [rel, text] of Object.entries(files)) await write(dir, rel, text);
  return dir;
}

async function failure(opts: DiscoverOptions): Promise<TfoError> {
  try {
    await discoverDeployments(opts);
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    return err as TfoError;
  }
  throw new Error('expected discoverDeployments to throw');
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await execa('git', args, { cwd });
}

describe('discoverDeployments', () => {
  it('finds, parses and shards every included tfvars file, sorted by file', async () => {
    const web = tfvars('s3_buckets');
    const dir = await workspace({
      'deployments/web/web.tfvars': web,
      'deployments/api/api.tfvars': `${tfvars('kms_keys', 'prod', 'us-east-1')}s3_bucket = { name = "y" }\n`,
      'deployments/web/notes.txt': 'not a tfvars',
      'deployments/web/.terraform/x.tfvars': 'broken =',
      'elsewhere/x.tfvars': 'broken =',
    });
    const { deployments, deleted } = await discoverDeployments({ config: makeConfig(), cwd: dir });
    expect(deleted).toEqual([]);
    expect(deployments.map((d) => d.file)).toEqual(['deployments/api/api.tfvars', 'deployments/web/web.tfvars']);
    const [api, webD] = deployments;
    expect(api).toMatchObject({
      project: 'api',
      region: 'us-east-1',
      services: ['kms', 's3'],
      key: 'combined/acme-prod/us-east-1/api/terraform.tfstate',
      account: { key: 'prod', id: '222222222222' },
    });
    expect(webD).toMatchObject({
      absFile: path.join(dir, 'deployments/web/web.tfvars'),
      sha256: createHash('sha256').update(web).digest('hex'),
      key: 's3/acme-dev/us-east-1/web/terraform.tfstate',
      rootModule: path.join(dir, 'modules/app'),
      values: { account_key: 'dev', region_code: 'use1', s3_buckets: { main: { name: 'x' } } },
    });
  });

  it('narrows with `only` globs against the file and the path inside deploymentsDir', async () => {
    const dir = await workspace({
      'deployments/dev/web/web.tfvars': tfvars('s3_buckets'),
      'deployments/dev/api/api.tfvars': tfvars('kms_keys'),
      'deployments/prod/web/web.tfvars': tfvars('s3_buckets', 'prod'),
    });
    const files = async (only: string[]): Promise<string[]> =>
      (await discoverDeployments({ config: makeConfig(), cwd: dir, only })).deployments.map((d) => d.file);
    expect(await files(['deployments/dev/**'])).toEqual([
      'deployments/dev/api/api.tfvars',
      'deployments/dev/web/web.tfvars',
    ]);
    expect(await files(['*/web/*.tfvars'])).toEqual([
      'deployments/dev/web/web.tfvars',
      'deployments/prod/web/web.tfvars',
    ]);
    expect(await files(['./deployments/prod/web/web.tfvars'])).toEqual(['deployments/prod/web/web.tfvars']);
    expect(await files(['nothing/**'])).toEqual([]);
  });

  it('finds the same deployments when parsing on worker threads', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `deployments/p${i}/p${i}.tfvars`,
        tfvars(i % 2 ? 's3_buckets' : 'kms_keys'),
      ]),
    );
    const dir = await workspace(files);
    const direct = await discoverDeployments({ config: makeConfig(), cwd: dir });
    const pool = new WorkerPool(2);
    const worker = workerPath(new URL('../src/discovery/tfvars.ts', import.meta.url).href, 'tfvars.worker');
    let calls = 0;
    const threaded = await discoverDeployments({
      config: makeConfig(),
      cwd: dir,
      concurrency: 3,
      rawParseFrom: 0,
      rawParse: (task) => {
        calls += 1;
        return pool.run<TfvarsTask, TfvarsReply>(worker, task);
      },
    }).finally(() => pool.destroy());
    expect(calls).toBe(8);
    expect(threaded).toEqual(direct);
    expect(threaded.deployments).toHaveLength(8);
  });

  it('picks the root module per service, else default, and checks each folder', async () => {
    const dir = await workspace({
      'modules/s3/main.tf': '',
      'deployments/b/b.tfvars': tfvars('s3_buckets'),
      'deployments/k/k.tfvars': tfvars('kms_keys'),
      'deployments/c/c.tfvars': `${tfvars('kms_keys')}s3_bucket = { name = "y" }\n`,
    });
    const config = makeConfig({ rootModule: { s3: 'modules/s3', default: 'modules/app' } });
    const { deployments } = await discoverDeployments({ config, cwd: dir });
    const roots = Object.fromEntries(deployments.map((d) => [d.project, path.relative(dir, d.rootModule)]));
    expect(roots).toEqual({ b: 'modules/s3', k: 'modules/app', c: 'modules/app' });
  });

  it('names the file when no root module entry fits', async () => {
    const dir = await workspace({ 'modules/s3/main.tf': '', 'deployments/k/k.tfvars': tfvars('kms_keys') });
    const err = await failure({ config: makeConfig({ rootModule: { s3: 'modules/s3' } }), cwd: dir });
    expect(err.code).toBe('TFO_ERR_ROOT_MODULE_MISSING');
    expect(err.file).toBe('deployments/k/k.tfvars');
    expect(err.message).toMatch(/^deployments\/k\/k\.tfvars:3: .*kms.*default/);
  });

  it('names a root module folder that is missing or holds no .tf files, once', async () => {
    const dir = await workspace({
      'modules/empty/README.md': 'no tf here',
      'deployments/a/a.tfvars': tfvars('s3_buckets'),
      'deployments/b/b.tfvars': tfvars('kms_keys'),
    });
    const missing = await failure({ config: makeConfig({ rootModule: 'modules/nope' }), cwd: dir });
    expect(missing.code).toBe('TFO_ERR_ROOT_MODULE_MISSING');
    expect(missing.file).toBe('modules/nope');
    expect(missing.message).toMatch(/^modules\/nope: .*does not exist/);
    const empty = await failure({ config: makeConfig({ rootModule: 'modules/empty' }), cwd: dir });
    expect(empty.message).toMatch(/^modules\/empty: .*no \.tf files/);
  });

  it('collects the problems of every file into one error, the first one leading', async () => {
    const dir = await workspace({
      'deployments/a/a.tfvars': tfvars('s3_buckets'),
      'deployments/b/b.tfvars': 'account_key = "dev"\nregion_code = \n',
      'deployments/c/c.tfvars': tfvars('s3_buckets', 'staging'),
      'deployments/d/d.tfvars': tfvars('s3_buckets', 'prod', 'usw2'),
    });
    const err = await failure({ config: makeConfig(), cwd: dir });
    expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
    expect(err.file).toBe('deployments/b/b.tfvars');
    expect(err.line).toBe(2);
    expect(err.message).toContain('3 problems found discovering deployments');
    expect(err.message).toContain('deployments/b/b.tfvars:2:');
    expect(err.message).toContain('deployments/c/c.tfvars:1: account_key = "staging"');
    expect(err.message).toContain('deployments/d/d.tfvars:2: region us-west-2');
    expect(err.message).not.toContain('a.tfvars');
    expect(err.cause).toBeInstanceOf(AggregateError);
  });

  it('refuses two files that map to one state key, naming both', async () => {
    const dir = await workspace({
      'deployments/dev/web/a.tfvars': tfvars('s3_buckets'),
      'deployments/other/web/b.tfvars': tfvars('s3_bucket'),
    });
    const err = await failure({ config: makeConfig(), cwd: dir });
    expect(err.code).toBe('TFO_ERR_DUPLICATE_KEY');
    expect(err.message).toContain('deployments/dev/web/a.tfvars');
    expect(err.message).toContain('deployments/other/web/b.tfvars');
    expect(err.message).toContain('s3/acme-dev/us-east-1/web/terraform.tfstate');
  });

  it('refuses a deploymentsDir that does not exist', async () => {
    const dir = await workspace({});
    const err = await failure({ config: makeConfig({ deploymentsDir: 'nope' }), cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
  });

  it('with changedFrom keeps changed, added, untracked and renamed files and reports deletions', async () => {
    const dir = await workspace({
      'deployments/keep/keep.tfvars': tfvars('s3_buckets'),
      'deployments/mod/mod.tfvars': tfvars('s3_buckets'),
      'deployments/gone/gone.tfvars': `${tfvars('s3_buckets')}${'# unlike any other file\n'.repeat(40)}`,
      'deployments/moved/old.tfvars': `${tfvars('kms_keys')}# padding so rename detection is sure of itself\n`,
      'deployments/gone/readme.md': 'not a tfvars',
    });
    await git(dir, 'init', '-q');
    await git(dir, 'config', 'user.email', 'test@example.com');
    await git(dir, 'config', 'user.name', 'test');
    await git(dir, 'config', 'commit.gpgsign', 'false');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'base');
    await git(dir, 'tag', 'base');

    await write(dir, 'deployments/mod/mod.tfvars', `${tfvars('s3_buckets')}extra = 1\n`);
    await write(dir, 'deployments/added/added.tfvars', tfvars('iam_roles'));
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'change');
    await write(dir, 'deployments/untracked/new.tfvars', tfvars('sqs_queues'));
    await rm(path.join(dir, 'deployments/gone'), { recursive: true });
    await mkdir(path.join(dir, 'deployments/moved2'));
    await git(dir, 'mv', 'deployments/moved/old.tfvars', 'deployments/moved2/new.tfvars');

    const { deployments, deleted } = await discoverDeployments({ config: makeConfig(), cwd: dir, changedFrom: 'base' });
    expect(deployments.map((d) => d.file)).toEqual([
      'deployments/added/added.tfvars',
      'deployments/mod/mod.tfvars',
      'deployments/moved2/new.tfvars',
      'deployments/untracked/new.tfvars',
    ]);
    expect(deleted.map((d) => d.file)).toEqual(['deployments/gone/gone.tfvars', 'deployments/moved/old.tfvars']);
    expect(deleted[0]?.reason).toBe('deleted since base: its resources are NOT destroyed; destroy them explicitly');
    expect(deleted[1]?.reason).toContain('deleted since base (git sees it renamed to deployments/moved2/new.tfvars)');
    expect(deleted[1]?.reason).toContain('NOT destroyed');

    const onlyMod = await discoverDeployments({
      config: makeConfig(),
      cwd: dir,
      changedFrom: 'base',
      only: ['mod/**'],
    });
    expect(onlyMod.deployments.map((d) => d.file)).toEqual(['deployments/mod/mod.tfvars']);
  });

  it('with changedFrom keeps every user of a root module whose files changed', async () => {
    const dir = await workspace({
      'deployments/a/a.tfvars': tfvars('s3_buckets'),
      'deployments/b/b.tfvars': tfvars('kms_keys'),
      'deployments/c/c.tfvars': tfvars('iam_roles'),
      'modules/iam/main.tf': 'variable "x" {\n  default = 2\n}\n',
    });
    const config = makeConfig({ rootModule: { iam: 'modules/iam', default: 'modules/app' } });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '-A');
    await git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'base');
    expect((await discoverDeployments({ config, cwd: dir, changedFrom: 'HEAD' })).deployments).toEqual([]);
    await write(dir, 'modules/app/main.tf', 'variable "x" {\n  default = 3\n}\n');
    const { deployments } = await discoverDeployments({ config, cwd: dir, changedFrom: 'HEAD' });
    expect(deployments.map((d) => d.file)).toEqual(['deployments/a/a.tfvars', 'deployments/b/b.tfvars']);
  });

  it('with changedFrom fails with TFO_ERR_GIT outside a repository', async () => {
    const dir = await workspace({ 'deployments/a/a.tfvars': tfvars('s3_buckets') });
    const err = await failure({ config: makeConfig(), cwd: dir, changedFrom: 'main' });
    expect(err.code).toBe('TFO_ERR_GIT');
  });
});
