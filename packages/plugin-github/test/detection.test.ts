import { afterEach, describe, expect, it, vi } from 'vitest';
import { startedWith } from '../../../test/ci-env.js';
import { capture, makeEngine, prEnv, report, runResult, tempDir, writeEvent, useFakeGitHub } from './support.js';

const api = useFakeGitHub();
afterEach(() => vi.unstubAllEnvs());

/** What `enabled: 'auto'` does in a process started with `vars`: the requests it sent. */
async function reportUnder(vars: Record<string, string>): Promise<{ detected: boolean; writes: string[] }> {
  startedWith(vars);
  const { github, inGitHubActions } = await import('../src/index.js');
  const dir = await tempDir();
  await writeEvent(dir);
  // the job's variables come from `env` (data); whether this is GitHub Actions, from ci-info
  const engine = await makeEngine(dir, [github({ env: prEnv(dir, api().baseUrl), stdout: capture() })]);
  await report(engine, await runResult(dir, 'plan', [{ project: 'api' }]));
  return { detected: inGitHubActions(), writes: api().writes() };
}

describe("enabled: 'auto' finds GitHub Actions through ci-info", () => {
  it('GITHUB_ACTIONS=true (and CI=true, as the runner sets both): reports', async () => {
    expect(await reportUnder({ GITHUB_ACTIONS: 'true', CI: 'true' })).toEqual({
      detected: true,
      writes: ['POST /repos/acme/infra/issues/7/comments', 'POST /repos/acme/infra/check-runs'],
    });
  });

  it('GITHUB_ACTIONS=true alone: reports', async () => {
    expect((await reportUnder({ GITHUB_ACTIONS: 'true' })).detected).toBe(true);
    expect(api().writes()).toHaveLength(2);
  });

  it('CI=true in another CI: does nothing', async () => {
    expect(await reportUnder({ CI: 'true' })).toEqual({ detected: false, writes: [] });
    expect(api().requests).toEqual([]);
  });

  it('neither: does nothing', async () => {
    expect(await reportUnder({})).toEqual({ detected: false, writes: [] });
  });

  it('CI=false turns detection off, even inside Actions (ci-info’s rule)', async () => {
    expect(await reportUnder({ GITHUB_ACTIONS: 'true', CI: 'false' })).toEqual({ detected: false, writes: [] });
  });
});
