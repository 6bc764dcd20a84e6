import type { Octokit } from '@octokit/rest';
import { markerPart } from './comment.js';

export interface StickyTarget {
  owner: string;
  repo: string;
  issue: number;
  /** Marker name, e.g. `tfo:plan`. */
  name: string;
}

export interface StickyOutcome {
  created: number[];
  updated: number[];
  unchanged: number[];
  deleted: number[];
}

/**
 * Puts `bodies` (each starting with its marker) on the pull request as one sticky comment per
 * part: every comment of the issue is listed (paginated), a part found by its marker is updated in
 * place (left alone when its body is the same), a missing one is created, and parts beyond the
 * new count (a longer earlier run) and duplicates of a part are deleted.
 */
export async function upsertSticky(
  octokit: Octokit,
  target: StickyTarget,
  bodies: readonly string[],
): Promise<StickyOutcome> {
  const { owner, repo, issue } = target;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issue,
    per_page: 100,
  });
  const byPart = new Map<number, { id: number; body: string }>();
  const stale: number[] = [];
  for (const c of [...comments].sort((a, b) => a.id - b.id)) {
    const part = markerPart(c.body, target.name);
    if (part === undefined) continue;
    if (byPart.has(part) || part > bodies.length) stale.push(c.id);
    else byPart.set(part, { id: c.id, body: c.body ?? '' });
  }
  const outcome: StickyOutcome = { created: [], updated: [], unchanged: [], deleted: [] };
  for (const [i, body] of bodies.entries()) {
    const existing = byPart.get(i + 1);
    if (existing && existing.body === body) {
      outcome.unchanged.push(existing.id);
    } else if (existing) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      outcome.updated.push(existing.id);
    } else {
      const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
      outcome.created.push(data.id);
    }
  }
  for (const id of stale) {
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id });
    } catch (err) {
      // deleted meanwhile (a concurrent run): what was wanted
      if ((err as { status?: number }).status !== 404) throw err;
    }
    outcome.deleted.push(id);
  }
  return outcome;
}
