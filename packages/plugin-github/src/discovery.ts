import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TfoError, type DeletedDeployment, type Deployment } from '@tfo/engine';
import type { PullRequestRef } from './context.js';

const run = promisify(execFile);

/** What a pull request changed, relative to the config folder (posix), like a three-dot diff. */
export interface PullRequestChanges {
  mergeBase: string;
  /** Added, modified, copied or type-changed, and rename targets. */
  changed: Set<string>;
  deleted: string[];
  renamed: Array<{ from: string; to: string }>;
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', [...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  return stdout;
}

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  return git(cwd, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false,
  );
}

function fetchHint(pr: PullRequestRef): string {
  return (
    'check out with full history (actions/checkout with `fetch-depth: 0`), or fetch both commits first: ' +
    `git fetch --no-tags origin ${pr.baseSha} ${pr.headSha}`
  );
}

/**
 * The files a pull request changes: `git diff --name-status -M <merge-base(base, head)> <head>`,
 * what GitHub's "Files changed" (a three-dot diff) shows, from git itself so there is no
 * 300-file limit as in the pull request files API. The work tree is not read: in a pull request
 * job it holds GitHub's merge commit, whose diff would also list what the base branch changed.
 */
export async function pullRequestChanges(cwd: string, pr: PullRequestRef): Promise<PullRequestChanges> {
  const fail = (message: string, cause?: unknown): TfoError =>
    new TfoError('TFO_ERR_GIT', `pull request #${pr.number}: ${message}`, { cause });
  try {
    await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  } catch (err) {
    throw fail(`${cwd} is not a git work tree: check the repository out before tfo runs`, err);
  }
  for (const [side, sha] of [
    ['base', pr.baseSha],
    ['head', pr.headSha],
  ] as const) {
    if (!(await hasCommit(cwd, sha))) {
      throw fail(`its ${side} commit ${sha} is not in this clone (a shallow fetch?): ${fetchHint(pr)}`);
    }
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(cwd, ['merge-base', pr.baseSha, pr.headSha])).trim();
  } catch (err) {
    const shallow = (await git(cwd, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
    throw fail(
      shallow
        ? `the history of this shallow clone does not reach the common ancestor of ${pr.baseSha} and ${pr.headSha}: ${fetchHint(pr)}`
        : `${pr.baseSha} and ${pr.headSha} have no common ancestor`,
      err,
    );
  }
  const prefix = (await git(cwd, ['rev-parse', '--show-prefix'])).trim().replace(/\/$/, '');
  const top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const diff = await git(top, ['diff', '--name-status', '--no-ext-diff', '-M', '-z', mergeBase, pr.headSha, '--']);
  const rel = (p: string): string => path.posix.relative(prefix || '.', p) || '.';

  const changed = new Set<string>();
  const deleted: string[] = [];
  const renamed: Array<{ from: string; to: string }> = [];
  const parts = diff.split('\0');
  for (let i = 0; i < parts.length; ) {
    const kind = (parts[i++] ?? '')[0];
    if (kind === undefined) continue;
    if (kind === 'R' || kind === 'C') {
      const from = rel(parts[i++] ?? '');
      const to = rel(parts[i++] ?? '');
      changed.add(to);
      if (kind === 'R') renamed.push({ from, to });
    } else {
      const file = rel(parts[i++] ?? '');
      if (kind === 'D') deleted.push(file);
      else changed.add(file);
    }
  }
  return { mergeBase, changed, deleted: deleted.sort(), renamed };
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface Narrowed {
  deployments: Deployment[];
  deleted: DeletedDeployment[];
}

/**
 * Keeps the deployments whose tfvars the pull request changed, and those whose root module it
 * changed. Deleted (or renamed-away) tfvars under `deploymentsDir` are returned to be reported,
 * never destroyed.
 */
export function narrow(
  deployments: readonly Deployment[],
  changes: PullRequestChanges,
  cwd: string,
  deploymentsDir: string,
  label: string,
): Narrowed {
  const touched = [...changes.changed, ...changes.deleted, ...changes.renamed.map((r) => r.from)].map((f) =>
    path.resolve(cwd, f),
  );
  const moduleChanged = new Map<string, boolean>();
  const kept = deployments.filter((d) => {
    if (changes.changed.has(d.file)) return true;
    let hit = moduleChanged.get(d.rootModule);
    if (hit === undefined) {
      hit = touched.some((f) => isInside(d.rootModule, f));
      moduleChanged.set(d.rootModule, hit);
    }
    return hit;
  });
  const root = path.resolve(cwd, deploymentsDir);
  const isTfvars = (f: string): boolean => /\.tfvars(\.json)?$/.test(f) && isInside(root, path.resolve(cwd, f));
  const deleted: DeletedDeployment[] = [
    ...changes.deleted.filter(isTfvars).map((file) => ({
      file,
      reason: `deleted by ${label}: its resources are NOT destroyed; destroy them explicitly`,
    })),
    ...changes.renamed
      .filter((r) => isTfvars(r.from))
      .map((r) => ({
        file: r.from,
        reason:
          `deleted by ${label} (git sees it renamed to ${r.to}): its resources are NOT destroyed; ` +
          `if ${r.to} maps to another state key they stay in the old one: move the state or destroy them explicitly`,
      })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { deployments: kept, deleted };
}
