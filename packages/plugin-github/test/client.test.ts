import { describe, expect, it } from 'vitest';
import { createClient, github, RateLimitError } from '../src/index.js';
import { GITHUB_FAULTS } from './fake-github.js';
import { capture, makeEngine, prEnv, runResult, tempDir, writeEvent, useFakeGitHub, report } from './support.js';

const api = useFakeGitHub();

const COMMENTS = '/repos/acme/infra/issues/7/comments';
const CHECKS = '/repos/acme/infra/check-runs';
const policy = { maxRetries: 3, baseDelayMs: 50, maxWaitSeconds: 10, writeIntervalMs: 0 };
// fabricated, built at runtime: it must appear in no request path and no problem
const TOKEN = ['ghs', 'fAkEtOkEn'.repeat(4)].join('_');

async function reportOnce(retry = policy) {
  const dir = await tempDir();
  await writeEvent(dir);
  const env = prEnv(dir, api().baseUrl, { GITHUB_TOKEN: TOKEN });
  const engine = await makeEngine(dir, [github({ enabled: true, env, stdout: capture(), retry })]);
  const result = await runResult(dir, 'plan', [{ project: 'api' }]);
  await report(engine, result);
  return result;
}

const gap = (a: { at: number }, b: { at: number }): number => b.at - a.at;

describe('retries and rate limits (@octokit/plugin-retry, @octokit/plugin-throttling) against a fake GitHub', () => {
  it('403 secondary rate limit with retry-after: waits that long, retries the same request, succeeds', async () => {
    api().fail('POST', COMMENTS, GITHUB_FAULTS.secondaryRateLimit(1));
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    const posts = api()
      .requestsTo(COMMENTS)
      .filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(gap(posts[0]!, posts[1]!)).toBeGreaterThanOrEqual(950);
    expect(posts[1]!.raw).toBe(posts[0]!.raw);
    expect(api().commentsOf(7)).toHaveLength(1);
  });

  it('429 with the rate limit used up: waits for x-ratelimit-reset, retries, succeeds', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    api().fail('GET', COMMENTS, GITHUB_FAULTS.tooManyRequests(reset));
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    expect(api().requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)).toEqual([
      `GET ${COMMENTS}`,
      `GET ${COMMENTS}`,
      `POST ${COMMENTS}`,
      `POST ${CHECKS}`,
    ]);
    // not before the reset (whole seconds), and the throttling plugin adds one for clock skew
    expect(api().requests[1]!.at).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('a 5xx once: retried after the backoff unit, succeeds', async () => {
    api().fail('POST', CHECKS, GITHUB_FAULTS.serverError(502));
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    const checks = api().requestsTo(CHECKS);
    expect(checks).toHaveLength(2);
    expect(gap(checks[0]!, checks[1]!)).toBeGreaterThanOrEqual(45);
  });

  it('a 5xx that persists: maxRetries retries on plugin-retry’s schedule (1, 4 × the unit), then a clear problem', async () => {
    api().fail('POST', CHECKS, GITHUB_FAULTS.serverError(503), 10);
    const result = await reportOnce({ ...policy, maxRetries: 2 });
    const checks = api().requestsTo(CHECKS);
    expect(checks).toHaveLength(3);
    expect(gap(checks[0]!, checks[1]!)).toBeGreaterThanOrEqual(45);
    expect(gap(checks[1]!, checks[2]!)).toBeGreaterThanOrEqual(195);
    expect(result.problems.map((p) => p.message)).toEqual([
      `check not reported: POST ${api().baseUrl}${CHECKS}: HTTP 503 Service Unavailable`,
    ]);
  });

  it('a secondary rate limit that persists: gives up after maxRetries, naming the call, without the token', async () => {
    api().fail('POST', COMMENTS, GITHUB_FAULTS.secondaryRateLimit(1), 10);
    const result = await reportOnce({ ...policy, maxRetries: 1 });

    expect(
      api()
        .requestsTo(COMMENTS)
        .filter((r) => r.method === 'POST'),
    ).toHaveLength(2);
    expect(result.problems).toHaveLength(1);
    const { plugin, message } = result.problems[0]!;
    expect(plugin).toBe('github');
    expect(message).toBe(
      'pull request comment not posted: GitHub API POST /repos/{owner}/{repo}/issues/{issue_number}/comments: ' +
        'secondary rate limit persists after 1 retries (retry.maxRetries 1); rerun the job later or raise retry.maxWaitSeconds',
    );
    expect(message).not.toContain(TOKEN);
    // the check is still reported
    expect(api().writes()).toContain(`POST ${CHECKS}`);
  });

  it('a reset later than the wait budget: fails at once, not after an hour', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    api().fail('GET', COMMENTS, GITHUB_FAULTS.tooManyRequests(reset), 10);
    const result = await reportOnce();

    expect(api().requestsTo(COMMENTS)).toHaveLength(1);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^pull request comment not posted: GitHub API GET \/repos\/acme\/infra\/issues\/7\/comments: primary rate limit: a wait of 360\ds is over the 10s left of the wait budget \(10s\) \(retry\.maxWaitSeconds 10\)/,
      ),
    ]);
    expect(api().writes()).toEqual([`POST ${CHECKS}`]);
  });

  it('one budget for every call of a client, at most half the hook deadline', async () => {
    const octokit = createClient({ token: TOKEN, baseUrl: api().baseUrl, retry: policy, deadlineMs: 3_000 });
    const create = () => octokit.rest.checks.create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) });
    // 1 s fits the 1.5 s budget; the next 1 s does not
    api().fail('POST', '/repos/o/r/check-runs', GITHUB_FAULTS.secondaryRateLimit(1));
    await create();
    api().fail('POST', '/repos/o/r/check-runs', GITHUB_FAULTS.secondaryRateLimit(1));
    const err = await create().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as Error).message).toBe(
      'GitHub API POST /repos/{owner}/{repo}/check-runs: secondary rate limit: a wait of 1s is over the 0.5s left ' +
        'of the wait budget (1.5s) (retry.maxWaitSeconds 10); rerun the job later or raise retry.maxWaitSeconds',
    );
    expect(api().requestsTo('/repos/o/r/check-runs')).toHaveLength(3);
  });

  it("the plugin's budget is at most half the report hook's deadline (hookTimeoutSeconds.report)", async () => {
    const dir = await tempDir();
    await writeEvent(dir);
    const env = prEnv(dir, api().baseUrl, { GITHUB_TOKEN: TOKEN });
    const engine = await makeEngine(dir, [github({ enabled: true, env, stdout: capture(), retry: policy })], {
      hookTimeoutSeconds: { report: 4 },
    });
    api().fail('POST', COMMENTS, GITHUB_FAULTS.secondaryRateLimit(3));
    const result = await runResult(dir, 'plan', [{ project: 'api' }]);
    await report(engine, result);

    expect(result.problems.map((p) => p.message)).toEqual([
      'pull request comment not posted: GitHub API POST /repos/{owner}/{repo}/issues/{issue_number}/comments: ' +
        'secondary rate limit: a wait of 3s is over the 2s left of the wait budget (2s) (retry.maxWaitSeconds 10); ' +
        'rerun the job later or raise retry.maxWaitSeconds',
    ]);
  });

  it('5xx backoff comes out of the same budget', async () => {
    const octokit = createClient({
      token: TOKEN,
      baseUrl: api().baseUrl,
      retry: { maxRetries: 5, baseDelayMs: 100, maxWaitSeconds: 1, writeIntervalMs: 0 },
    });
    api().fail('GET', '/repos/o/r/commits/abc/pulls', GITHUB_FAULTS.serverError(500), 10);
    const err = await octokit.rest.repos
      .listPullRequestsAssociatedWithCommit({ owner: 'o', repo: 'r', commit_sha: 'abc' })
      .catch((e: unknown) => e);
    // waits 100, 400 (0.5 s of 1 s); the next, 900, does not fit
    expect(api().requestsTo('/repos/o/r/commits/abc/pulls')).toHaveLength(3);
    expect((err as Error).message).toMatch(
      /^GitHub API GET \/repos\/\{owner\}\/\{repo\}\/commits\/\{commit_sha\}\/pulls: HTTP 500 after 2 retries: a wait of 0.9s is over the 0.5s left of the wait budget \(1s\)/,
    );
  });

  it('a 403 that is not a rate limit, and a 404, are not retried', async () => {
    const octokit = createClient({ token: TOKEN, baseUrl: api().baseUrl, retry: policy });
    api().fail('POST', '/repos/o/r/check-runs', {
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    const err = await octokit.rest.checks
      .create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) })
      .catch((e: unknown) => e);
    expect((err as { status: number }).status).toBe(403);
    await expect(octokit.rest.issues.getComment({ owner: 'o', repo: 'r', comment_id: 1 })).rejects.toMatchObject({
      status: 404,
    });
    expect(api().requests).toHaveLength(2);
  });

  it('spaces writes by writeIntervalMs (GitHub asks for a second between them), not reads', async () => {
    const octokit = createClient({ token: TOKEN, baseUrl: api().baseUrl, retry: { ...policy, writeIntervalMs: 300 } });
    const create = () => octokit.rest.checks.create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) });
    const list = () => octokit.rest.issues.listComments({ owner: 'o', repo: 'r', issue_number: 1 });
    await Promise.all([create(), create(), list(), list()]);
    const writes = api().requestsTo('/repos/o/r/check-runs');
    const reads = api().requestsTo('/repos/o/r/issues/1/comments');
    expect(gap(writes[0]!, writes[1]!)).toBeGreaterThanOrEqual(250);
    // reads are not spaced: both were served before the second write
    expect(Math.max(...reads.map((r) => r.at))).toBeLessThan(writes[1]!.at);
  });

  it('sends the token and talks to GITHUB_API_URL only', async () => {
    const octokit = createClient({ token: TOKEN, baseUrl: api().baseUrl, retry: policy });
    await octokit.rest.checks.create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) });
    expect(api().requests[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    expect(api().requests[0]!.headers['user-agent']).toMatch(/^tfo-plugin-github /);
  });
});
