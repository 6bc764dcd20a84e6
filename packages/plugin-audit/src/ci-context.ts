import { z } from 'zod';
import ci from 'ci-info';

/** Who ran it, from where: read from the CI environment when there is one. */
export const contextSchema = z
  .object({
    ci: z.enum(['github-actions', 'gitlab-ci', 'other-ci', 'local']),
    ciRunId: z.string().nullable(),
    ciRunUrl: z.string().nullable(),
    commitSha: z.string().nullable(),
    ref: z.string().nullable(),
    pullRequest: z.number().int().positive().nullable(),
    approver: z.string().nullable(),
  })
  .strict();
export type AuditContext = z.infer<typeof contextSchema>;

/** A set, non-blank environment value, else null. */
export const envValue = (v: string | undefined): string | null => (v && v.trim() !== '' ? v : null);

function prNumber(v: string | undefined): number | null {
  const n = v ? Number.parseInt(v, 10) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * The CI this process runs in, as ci-info detects it from the environment it started with: GitHub
 * Actions, GitLab CI, any other CI ci-info knows (or `CI` set), else local (`CI=false` too).
 */
export function detectCi(): AuditContext['ci'] {
  if (ci.GITHUB_ACTIONS === true) return 'github-actions';
  if (ci.GITLAB === true) return 'gitlab-ci';
  return ci.isCI ? 'other-ci' : 'local';
}

/**
 * Run, commit, ref, PR and approver of the CI `where` (default: detected), read from `env`:
 * GitHub Actions (`GITHUB_*`), GitLab CI (`CI_*`, `GITLAB_*`); other CIs and local runs name none.
 * The approver is `TFO_APPROVER` when the pipeline sets it (an environment protection rule's reviewer).
 */
export function ciContext(
  env: Readonly<Record<string, string | undefined>>,
  where: AuditContext['ci'] = detectCi(),
): {
  actor: string | null;
  context: AuditContext;
} {
  const approver = envValue(env.TFO_APPROVER);
  if (where === 'github-actions') {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const runId = envValue(env.GITHUB_RUN_ID);
    const repo = envValue(env.GITHUB_REPOSITORY);
    return {
      actor: envValue(env.GITHUB_TRIGGERING_ACTOR) ?? envValue(env.GITHUB_ACTOR),
      context: {
        ci: 'github-actions',
        ciRunId: runId,
        ciRunUrl: runId && repo ? `${server}/${repo}/actions/runs/${runId}` : null,
        commitSha: envValue(env.GITHUB_SHA),
        ref: envValue(env.GITHUB_REF),
        pullRequest: prNumber(/^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1]),
        approver,
      },
    };
  }
  if (where === 'gitlab-ci') {
    return {
      actor: envValue(env.GITLAB_USER_LOGIN),
      context: {
        ci: 'gitlab-ci',
        ciRunId: envValue(env.CI_PIPELINE_ID),
        ciRunUrl: envValue(env.CI_PIPELINE_URL),
        commitSha: envValue(env.CI_COMMIT_SHA),
        ref: envValue(env.CI_COMMIT_REF_NAME),
        pullRequest: prNumber(env.CI_MERGE_REQUEST_IID),
        approver,
      },
    };
  }
  return {
    actor: null,
    context: {
      ci: where,
      ciRunId: null,
      ciRunUrl: null,
      commitSha: null,
      ref: null,
      pullRequest: null,
      approver,
    },
  };
}
