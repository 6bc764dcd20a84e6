import path from 'node:path';
import { changedFiles, deletedDeployments, runGit, tfvarsMatcher } from '@tfo/engine/discovery';
import { TfoError, type DeletedDeployment, type Deployment, type TfoConfig } from '@tfo/engine';
import type { PullRequestRef } from './context.js';

/** What a pull request changed, relative to the config folder (posix), like a three-dot diff. */
export interface PullRequestChanges {
  mergeBase: string;
  /** Added, modified, copied or type-changed, and rename targets. */
  changed: Set<string>;
  deleted: string[];
  renamed: Array<{ from: string; to: string }>;
}

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  return runGit(cwd, ['cat-file', '-e', `${sha}^{commit}`]).then(
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
    await runGit(cwd, ['rev-parse', '--is-inside-work-tree']);
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
    mergeBase = (await runGit(cwd, ['merge-base', pr.baseSha, pr.headSha])).trim();
  } catch (err) {
    const shallow = (await runGit(cwd, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
    throw fail(
      shallow
        ? `the history of this shallow clone does not reach the common ancestor of ${pr.baseSha} and ${pr.headSha}: ${fetchHint(pr)}`
        : `${pr.baseSha} and ${pr.headSha} have no common ancestor`,
      err,
    );
  }
  // the engine's diff, between the two commits (the work tree is not read)
  const changes = await changedFiles(cwd, mergeBase, pr.headSha);
  const renamedTo = changes.renamed.map((r) => r.to);
  return {
    mergeBase,
    changed: new Set([...changes.changed, ...renamedTo]),
    deleted: changes.deleted,
    renamed: changes.renamed,
  };
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
  config: Pick<TfoConfig, 'deploymentsDir' | 'include' | 'exclude'>,
  label: string,
): Narrowed {
  const tfvarsOf = tfvarsMatcher(config, cwd);
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
  const deleted = deletedDeployments(changes, tfvarsOf, `by ${label}`);
  return { deployments: kept, deleted };
}
