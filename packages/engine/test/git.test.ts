import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, it, expect } from 'vitest';
import { TfoError } from '../src/errors.js';
import { changedFiles } from '../src/discovery/git.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-git-'));
  dirs.push(dir);
  return dir;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execa('git', args, { cwd });
  return stdout;
}

async function write(root: string, rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

/** A repo with one commit holding `files`. */
async function repo(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  await git(dir, 'init', '-q');
  await git(dir, 'config', 'user.email', 'test@example.com');
  await git(dir, 'config', 'user.name', 'test');
  await git(dir, 'config', 'commit.gpgsign', 'false');
  for (const [rel, text] of Object.entries(files)) await write(dir, rel, text);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

async function gitFailure(cwd: string, ref: string): Promise<TfoError> {
  try {
    await changedFiles(cwd, ref);
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    return err as TfoError;
  }
  throw new Error('expected changedFiles to throw');
}

describe('changedFiles', () => {
  it('reports nothing for a clean tree', async () => {
    const dir = await repo({ 'a.tfvars': 'a = 1\n' });
    await expect(changedFiles(dir, 'HEAD')).resolves.toEqual({ changed: [], deleted: [], renamed: [] });
  });

  it('sees modified, staged, untracked, deleted and renamed files, committed or not', async () => {
    const rename = 'x = "a long enough body so that git rename detection is confident"\n';
    const dir = await repo({
      'keep.tfvars': 'k = 1\n',
      'mod.tfvars': 'm = 1\n',
      'gone.tfvars': 'g = 1\n',
      'old dir/old name.tfvars': rename,
      'committed.tfvars': 'c = 1\n',
    });
    const base = (await git(dir, 'rev-parse', 'HEAD')).trim();
    await write(dir, 'committed.tfvars', 'c = 2\n');
    await git(dir, 'commit', '-q', '-am', 'second');
    await write(dir, 'mod.tfvars', 'm = 2\n');
    await write(dir, 'staged.tfvars', 's = 1\n');
    await git(dir, 'add', 'staged.tfvars');
    await write(dir, 'new dir/untracked.tfvars', 'u = 1\n');
    await write(dir, '.gitignore', 'ignored.tfvars\n');
    await write(dir, 'ignored.tfvars', 'i = 1\n');
    await rm(path.join(dir, 'gone.tfvars'));
    await mkdir(path.join(dir, 'new place'));
    await git(dir, 'mv', 'old dir/old name.tfvars', 'new place/new name.tfvars');

    const result = await changedFiles(dir, base);
    expect(result.changed).toEqual([
      '.gitignore',
      'committed.tfvars',
      'mod.tfvars',
      'new dir/untracked.tfvars',
      'staged.tfvars',
    ]);
    expect(result.deleted).toEqual(['gone.tfvars']);
    expect(result.renamed).toEqual([{ from: 'old dir/old name.tfvars', to: 'new place/new name.tfvars' }]);
  });

  it('gives paths relative to a cwd below the top level', async () => {
    const dir = await repo({ 'deploy/app/a.tfvars': 'a = 1\n', 'other/b.tfvars': 'b = 1\n' });
    await write(dir, 'deploy/app/a.tfvars', 'a = 2\n');
    await write(dir, 'other/b.tfvars', 'b = 2\n');
    await write(dir, 'deploy/new.tfvars', 'n = 1\n');
    await write(dir, 'other/new.tfvars', 'n = 1\n');
    const result = await changedFiles(path.join(dir, 'deploy'), 'HEAD');
    expect(result.changed).toEqual(['../other/b.tfvars', '../other/new.tfvars', 'app/a.tfvars', 'new.tfvars']);
  });

  it('fails with TFO_ERR_GIT and git stderr for an unknown ref', async () => {
    const dir = await repo({ 'a.tfvars': 'a = 1\n' });
    const err = await gitFailure(dir, 'no-such-branch');
    expect(err.code).toBe('TFO_ERR_GIT');
    expect(err.message).toContain('no-such-branch');
    expect(err.message).toMatch(/fatal|Needed a single revision/);
  });

  it('does not take a ref that looks like an option', async () => {
    const dir = await repo({ 'a.tfvars': 'a = 1\n' });
    const err = await gitFailure(dir, '--output=/tmp/x');
    expect(err.code).toBe('TFO_ERR_GIT');
  });

  it('fails with TFO_ERR_GIT outside a work tree', async () => {
    const dir = await tempDir();
    const err = await gitFailure(dir, 'HEAD');
    expect(err.code).toBe('TFO_ERR_GIT');
    expect(err.message.toLowerCase()).toContain('not a git repository');
  });
});
