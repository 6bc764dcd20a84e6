import { describe, expect, it } from 'vitest';
import { createClient, github, retryDelay } from '../src/index.js';
import { capture, makeEngine, prEnv, runResult, tempDir, writeEvent, useFakeGitHub, report } from './support.js';

const api = useFakeGitHub();

const LIST = '/repos/acme/infra/issues/7/comments?per_page=100';
const policy = { maxRetries: 3, baseDelayMs: 50, maxWaitSeconds: 10 };

async function reportOnce(retry = policy) {
  const dir = await tempDir();
  await writeEvent(dir);
  const engine = await makeEngine(dir, [github({ env: prEnv(dir, api().baseUrl), stdout: capture(), retry })]);
  const result = await runResult(dir, 'plan', [{ project: 'api' }]);
  await report(engine, result);
  return result;
}

describe('rate limits and retries', () => {
  it('403 with x-ratelimit-remaining 0 waits for x-ratelimit-reset, then retries', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 1;
    api().faults.push({
      method: 'GET',
      path: '/repos/acme/infra/issues/7/comments',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded for installation ID 1.' },
    });
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    expect(api().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${LIST}`,
      `GET ${LIST}`,
      'POST /repos/acme/infra/issues/7/comments',
      'POST /repos/acme/infra/check-runs',
    ]);
    // not before the reset (the header is in whole seconds)
    expect(api().requests[1]!.at).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('429 with retry-after waits that long, then retries', async () => {
    api().faults.push({
      method: 'POST',
      path: '/repos/acme/infra/issues/7/comments',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    const posts = api().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments'));
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
  });

  it('a reset later than maxWaitSeconds fails at once with a clear run problem, not a long sleep', async () => {
    api().faults.push({
      path: '/repos/acme/infra/issues',
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600) },
      body: { message: 'API rate limit exceeded' },
      times: 10,
    });
    const started = Date.now();
    const result = await reportOnce();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.plugin).toBe('github');
    expect(result.problems[0]!.message).toMatch(
      /^pull request comment not posted: GitHub API rate limit: rate limit resets at .*, a wait of 360\ds is over maxWaitSeconds \(10s\)/,
    );
    // the check is still reported
    expect(api().writes()).toEqual(['POST /repos/acme/infra/check-runs']);
  });

  it('5xx is retried with backoff, a bounded number of times', async () => {
    api().faults.push({ method: 'POST', path: '/repos/acme/infra/check-runs', status: 502, times: 2 });
    const result = await reportOnce();
    expect(result.problems).toEqual([]);
    const checks = api().requests.filter((r) => r.path === '/repos/acme/infra/check-runs');
    expect(checks).toHaveLength(3);
    expect(checks[1]!.at - checks[0]!.at).toBeGreaterThanOrEqual(45);
    expect(checks[2]!.at - checks[1]!.at).toBeGreaterThanOrEqual(95);

    api().requests.length = 0;
    api().faults.push({ method: 'POST', path: '/repos/acme/infra/check-runs', status: 503, times: 10 });
    const failed = await reportOnce({ ...policy, maxRetries: 2 });
    expect(api().requests.filter((r) => r.path === '/repos/acme/infra/check-runs')).toHaveLength(3);
    expect(failed.problems.map((p) => p.message)).toEqual([
      `check not reported: POST ${api().baseUrl}/repos/acme/infra/check-runs: HTTP 503 fault 503`,
    ]);
  });

  it('a 403 that is not a rate limit is not retried', () => {
    const err = { status: 403, message: 'Resource not accessible by integration', response: { headers: {} } };
    expect(retryDelay(err, 0, policy)).toBeUndefined();
    expect(retryDelay({ status: 404 }, 0, policy)).toBeUndefined();
    expect(retryDelay({ status: 500 }, 3, policy)).toBeUndefined();
    expect(retryDelay({ status: 500 }, 2, policy)).toBe(200);
  });

  it('sends the token and talks to GITHUB_API_URL only', async () => {
    const octokit = createClient({ token: 'ghs_abc', baseUrl: api().baseUrl, retry: policy });
    await octokit.rest.checks.create({ owner: 'o', repo: 'r', name: 'n', head_sha: 'a'.repeat(40) });
    expect(api().requests[0]!.headers.authorization).toBe('token ghs_abc');
    expect(api().requests[0]!.headers['user-agent']).toMatch(/^tfo-plugin-github /);
  });
});
