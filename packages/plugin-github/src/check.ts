import type { Octokit } from '@octokit/rest';
import { describeRequestError } from './client.js';
import type { Verdict } from './render.js';

/**
 * `check-run`: a check run (needs `checks: write`; only GitHub App tokens such as the job's
 * GITHUB_TOKEN may create them). `status`: a commit status (`statuses: write`; any token).
 * `auto`: a check run, and a commit status when the token may not create check runs.
 */
export type CheckMode = 'auto' | 'check-run' | 'status' | 'none';

/** GitHub's limit on a check run's output summary and text. */
export const CHECK_TEXT_LIMIT = 65_535;
/** GitHub's limit on a commit status description. */
const STATUS_DESCRIPTION_LIMIT = 140;

export interface CheckReport {
  owner: string;
  repo: string;
  sha: string;
  /** `tfo plan`; the status context is `tfo/plan`. */
  name: string;
  verdict: Verdict;
  /** One line: `blocked by policy: 3 with changes · 1 blocked by policy`. */
  title: string;
  /** Markdown, redacted. */
  summary: string;
  detailsUrl?: string | undefined;
}

const CONCLUSION: Record<Verdict, 'success' | 'failure' | 'cancelled'> = {
  success: 'success',
  blocked: 'failure',
  failed: 'failure',
  cancelled: 'cancelled',
};

const STATE: Record<Verdict, 'success' | 'failure' | 'error'> = {
  success: 'success',
  blocked: 'failure',
  failed: 'failure',
  cancelled: 'error',
};

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

async function checkRun(octokit: Octokit, r: CheckReport): Promise<void> {
  await octokit.rest.checks.create({
    owner: r.owner,
    repo: r.repo,
    name: r.name,
    head_sha: r.sha,
    status: 'completed',
    conclusion: CONCLUSION[r.verdict],
    completed_at: new Date().toISOString(),
    ...(r.detailsUrl ? { details_url: r.detailsUrl } : {}),
    output: { title: cut(r.title, 255), summary: cut(r.summary, CHECK_TEXT_LIMIT) },
  });
}

async function commitStatus(octokit: Octokit, r: CheckReport): Promise<void> {
  await octokit.rest.repos.createCommitStatus({
    owner: r.owner,
    repo: r.repo,
    sha: r.sha,
    state: STATE[r.verdict],
    context: r.name.replace(/\s+/g, '/'),
    description: cut(r.title, STATUS_DESCRIPTION_LIMIT),
    ...(r.detailsUrl ? { target_url: r.detailsUrl } : {}),
  });
}

/** Reports the run on its commit; returns what was created. Throws what GitHub refused. */
export async function reportCheck(
  octokit: Octokit,
  r: CheckReport,
  mode: CheckMode,
): Promise<'check-run' | 'status' | 'none'> {
  if (mode === 'none') return 'none';
  if (mode === 'status') {
    await commitStatus(octokit, r);
    return 'status';
  }
  try {
    await checkRun(octokit, r);
    return 'check-run';
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (mode !== 'auto' || (status !== 403 && status !== 404)) throw err;
    try {
      await commitStatus(octokit, r);
    } catch (second) {
      throw new Error(
        `no check run (${describeRequestError(err)}) and no commit status (${describeRequestError(second)}): ` +
          'give the job `checks: write` or `statuses: write`',
        { cause: second },
      );
    }
    return 'status';
  }
}
