import { readFileSync } from 'node:fs';
import ci from 'ci-info';

/** Environment variables as GitHub Actions sets them (a plain record, so tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A pull request as the event payload names it. */
export interface PullRequestRef {
  number: number;
  baseSha: string;
  headSha: string;
}

/** What the plugin reads from a GitHub Actions job: where to post, about which commit and PR. */
export interface GitHubContext {
  /** `GITHUB_API_URL` (GitHub Enterprise Server: `https://ghe.example/api/v3`). */
  apiUrl: string;
  owner: string;
  repo: string;
  eventName: string;
  /** The commit checks and statuses are reported on: the PR head, else `GITHUB_SHA`. */
  sha: string;
  pullRequest?: PullRequestRef | undefined;
  /** Link to this workflow run, when `GITHUB_RUN_ID` is set. */
  runUrl?: string | undefined;
  token?: string | undefined;
  stepSummary?: string | undefined;
  /** `GITHUB_WORKSPACE`: annotation paths are relative to it. */
  workspace?: string | undefined;
}

/** Events whose payload carries `pull_request.base.sha` and `pull_request.head.sha`. */
const PR_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target']);

/**
 * Whether this process runs as a step of a GitHub Actions job, as ci-info detects it from the
 * environment the process started with (`GITHUB_ACTIONS`; `CI=false` turns all detection off).
 */
export function inGitHubActions(): boolean {
  return ci.GITHUB_ACTIONS === true;
}

/**
 * Reads the job's context from its environment. Throws with the variable to set when the
 * repository is not known (only possible when the plugin is forced on outside Actions).
 */
export function readContext(env: Env): GitHubContext {
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new Error(
      `GITHUB_REPOSITORY is ${repository ? `"${repository}"` : 'not set'}: set it to "owner/repo" ` +
        '(GitHub Actions sets it in every job)',
    );
  }
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  const pullRequest = PR_EVENTS.has(eventName) ? readPullRequest(env['GITHUB_EVENT_PATH']) : undefined;
  const server = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env['GITHUB_RUN_ID'];
  const attempt = env['GITHUB_RUN_ATTEMPT'];
  return {
    apiUrl: (env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, ''),
    owner,
    repo,
    eventName,
    sha: pullRequest?.headSha ?? env['GITHUB_SHA'] ?? '',
    pullRequest,
    runUrl: runId
      ? `${server}/${owner}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
      : undefined,
    token: env['GITHUB_TOKEN'] || env['GH_TOKEN'] || undefined,
    stepSummary: env['GITHUB_STEP_SUMMARY'] || undefined,
    workspace: env['GITHUB_WORKSPACE'] || undefined,
  };
}

/** The pull request of a `pull_request` event payload; a clear error when it is unreadable. */
export function readPullRequest(eventPath: string | undefined): PullRequestRef {
  if (!eventPath) throw new Error('GITHUB_EVENT_PATH is not set: the pull request event payload is needed');
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (err) {
    throw new Error(`the event payload ${eventPath} could not be read as JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const pr = (payload as { pull_request?: Record<string, unknown> } | null)?.pull_request;
  const sha = (side: 'base' | 'head'): string => {
    const value = (pr?.[side] as { sha?: unknown } | undefined)?.sha;
    if (typeof value !== 'string' || !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(value)) {
      throw new Error(`the event payload ${eventPath} has no pull_request.${side}.sha commit id`);
    }
    return value.toLowerCase();
  };
  const number = pr?.['number'];
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new Error(`the event payload ${eventPath} has no pull_request.number`);
  }
  return { number, baseSha: sha('base'), headSha: sha('head') };
}
