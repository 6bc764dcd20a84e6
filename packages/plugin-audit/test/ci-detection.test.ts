import { afterEach, describe, expect, it, vi } from 'vitest';
import { startedWith } from '../../../test/ci-env.js';
import { engineRecord } from './support.js';

afterEach(() => vi.unstubAllEnvs());

/** The audit context of a record made in a process started with `vars` (ci-info reads them at load). */
async function contextUnder(vars: Record<string, string>) {
  startedWith(vars);
  const { detectCi, toAuditRecord } = await import('../src/record.js');
  const record = toAuditRecord(engineRecord(), { env: { ...vars, USER: 'dave' } });
  return { detected: detectCi(), actor: record.actor, context: record.context };
}

describe('the CI an audit record names is detected by ci-info', () => {
  it('GITHUB_ACTIONS=true: github-actions, with the run read from the GITHUB_* variables', async () => {
    const under = await contextUnder({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '77',
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_ACTOR: 'alice',
      GITHUB_REF: 'refs/pull/42/merge',
    });
    expect(under.detected).toBe('github-actions');
    expect(under.actor).toBe('alice');
    expect(under.context).toMatchObject({
      ci: 'github-actions',
      ciRunId: '77',
      ciRunUrl: 'https://github.com/acme/infra/actions/runs/77',
      pullRequest: 42,
    });
  });

  it('CI=true in a CI with no reader of its own: other-ci, the user as actor', async () => {
    const under = await contextUnder({ CI: 'true' });
    expect(under).toEqual({
      detected: 'other-ci',
      actor: 'dave',
      context: expect.objectContaining({ ci: 'other-ci', ciRunId: null, commitSha: null }),
    });
  });

  it('a CI ci-info knows by its own variable (Jenkins) is other-ci without CI set', async () => {
    expect((await contextUnder({ JENKINS_URL: 'https://ci.example', BUILD_ID: '5' })).detected).toBe('other-ci');
  });

  it('GITLAB_CI=true: gitlab-ci', async () => {
    const under = await contextUnder({ CI: 'true', GITLAB_CI: 'true', CI_PIPELINE_ID: '9' });
    expect(under.context).toMatchObject({ ci: 'gitlab-ci', ciRunId: '9' });
  });

  it('neither: local', async () => {
    expect((await contextUnder({})).context).toMatchObject({ ci: 'local', ciRunId: null });
  });

  it('a GITHUB_ACTIONS variable passed as data alone does not make the record claim Actions', async () => {
    startedWith({});
    const { toAuditRecord } = await import('../src/record.js');
    const record = toAuditRecord(engineRecord(), { env: { GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '1' } });
    expect(record.context.ci).toBe('local');
  });
});
