import path from 'node:path';
import {
  STAGE,
  type Deployment,
  type Engine,
  type Plugin,
  type RunInfo,
  type RunResult,
  hookDeadlineMs,
  parsePluginOptions,
} from '@tfo/engine';
import { z } from 'zod';
import { createClient, describeRequestError } from './client.js';
import { inGitHubActions, readContext, type Env, type GitHubContext } from './context.js';
import { narrow, pullRequestChanges } from './discovery.js';
import { publish, type Writer } from './publish.js';

export const GITHUB_PLUGIN_NAME = 'github';

const isWriter = (value: unknown): value is Writer =>
  typeof value === 'object' && value !== null && typeof (value as Writer).write === 'function';

export const githubOptionsSchema = z
  .object({
    /** `auto`: only inside GitHub Actions (detected by ci-info: `GITHUB_ACTIONS`); `true` forces it on, `false` off. */
    enabled: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    /** In a pull request job, run only the deployments whose tfvars (or root module) the PR changes. */
    discovery: z.boolean().default(true),
    /** One sticky comment per run kind on the pull request (a push: the PR it merged). */
    comment: z.boolean().default(true),
    /** How the run is reported on the commit (see README): a check run, a commit status, or both as fallback. */
    check: z.enum(['auto', 'check-run', 'status', 'none']).default('auto'),
    /** Markdown appended to `GITHUB_STEP_SUMMARY`. */
    stepSummary: z.boolean().default(true),
    /** `::error` / `::warning` workflow commands on the tfvars files. */
    annotations: z.boolean().default(true),
    /** Most annotations of each level; GitHub shows 10 per step and 50 per job. */
    maxAnnotations: z.number().int().min(0).max(1000).default(50),
    /** Tells several tfo configs in one repository apart: `<!-- tfo:plan:<id> -->`, check `tfo plan (<id>)`. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ - only')
      .optional(),
    /** Comments per run kind; more only when the deployment lines alone need them. */
    maxComments: z.number().int().min(1).max(50).default(5),
    /** Characters per comment; GitHub refuses more than 65,536. */
    maxCommentChars: z.number().int().min(10_000).max(65_536).default(60_000),
    /** Longest plan shown for one deployment before it is trimmed. */
    planMaxChars: z.number().int().min(1_000).max(50_000).default(20_000),
    /** Name of the artifact the workflow uploads `.tfo/runs/<id>/report.html` as (named in trim notes). */
    reportArtifact: z.string().min(1).default('tfo-report'),
    /** Retries of the GitHub API calls (@octokit/plugin-retry and plugin-throttling; see client.ts). */
    retry: z
      .object({
        /** Retries of one call after a 5xx, a network error or a rate limit. */
        maxRetries: z.number().int().min(0).max(10).default(3),
        /** Backoff unit after a 5xx or network error: waits of 1, 4, 9, … times this. */
        baseDelayMs: z.number().int().min(0).max(60_000).default(1_000),
        /** Most seconds of waiting per report, all calls together (at most half the report hook's deadline). */
        maxWaitSeconds: z.number().int().min(0).max(3_600).default(120),
        /** Least milliseconds between two writes (comments, checks), thrice between new comments; GitHub asks for a second. */
        writeIntervalMs: z.number().int().min(0).max(10_000).default(1_000),
      })
      .strict()
      .default({}),
    /** The environment to read (default: `process.env` when a hook runs). */
    env: z.record(z.string(), z.string().optional()).optional(),
    /** Where workflow commands go (default: `process.stdout`, where the runner reads them). */
    stdout: z.custom<Writer>(isWriter, { message: 'expected a writer { write(text) }' }).optional(),
  })
  .strict();

export type GitHubOptions = z.input<typeof githubOptionsSchema>;
export type ResolvedGitHubOptions = z.output<typeof githubOptionsSchema>;

export interface GitHubPlugin extends Plugin {
  readonly options: ResolvedGitHubOptions;
}

/**
 * tfo on GitHub: pull-request-scoped discovery through git, a sticky comment per run kind, a
 * check run (or commit status), the job's step summary and annotations on the tfvars files.
 * Does nothing outside GitHub Actions unless `enabled: true`. A failure to report is a run
 * problem (exit 1), never silent, and never changes what was planned or applied.
 */
export function github(options: GitHubOptions = {}): GitHubPlugin {
  const opts = parsePluginOptions('github', githubOptionsSchema, options);
  const envOf = (): Env => opts.env ?? process.env;
  const active = (): boolean => (opts.enabled === 'auto' ? inGitHubActions() : opts.enabled);

  return {
    name: GITHUB_PLUGIN_NAME,
    options: opts,
    apply(engine: Engine) {
      engine.hooks.discover.tapPromise({ name: GITHUB_PLUGIN_NAME, stage: STAGE.FILTER }, async (deployments, run) => {
        const env = envOf();
        if (!opts.discovery || !active()) return deployments;
        return narrowToPullRequest(engine, env, deployments, run);
      });

      // After the FILTER-stage taps that add run problems (audit), so the comment shows them.
      engine.hooks.report.tapPromise({ name: GITHUB_PLUGIN_NAME, stage: STAGE.NORMAL }, async (result, shown) => {
        const env = envOf();
        if (!active()) return;
        const problems = await report(engine, env, opts, result, shown);
        for (const message of problems) result.problems.push({ plugin: GITHUB_PLUGIN_NAME, message });
      });
    },
  };
}

async function narrowToPullRequest(
  engine: Engine,
  env: Env,
  deployments: Deployment[],
  run: RunInfo,
): Promise<Deployment[]> {
  // an explicit --changed-from is the user's choice: it is not narrowed further
  if (run.changedFrom !== undefined) return deployments;
  const ctx = readContext(env);
  const pr = ctx.pullRequest;
  if (!pr) return deployments;
  const changes = await pullRequestChanges(run.cwd, pr);
  const label = `pull request #${pr.number}`;
  const narrowed = narrow(deployments, changes, run.cwd, engine.settings.config, label);
  const known = new Set(run.deleted.map((d) => d.file));
  for (const d of narrowed.deleted) if (!known.has(d.file)) run.deleted.push(d);
  engine.events.emit('notice', {
    level: 'info',
    message:
      `${label}: ${narrowed.deployments.length} of ${deployments.length} deployments changed ` +
      `(git diff ${changes.mergeBase.slice(0, 12)}...${pr.headSha.slice(0, 12)})`,
  });
  return narrowed.deployments;
}

/** Every output; returns what failed (each a run problem), never throws. */
async function report(
  engine: Engine,
  env: Env,
  opts: ResolvedGitHubOptions,
  result: RunResult,
  shown: RunResult,
): Promise<string[]> {
  let ctx: GitHubContext;
  try {
    ctx = readContext(env);
  } catch (err) {
    return [`not reported to GitHub: ${(err as Error).message}`];
  }
  const wantsApi = opts.comment || opts.check !== 'none';
  const octokit =
    wantsApi && ctx.token
      ? createClient({
          token: ctx.token,
          baseUrl: ctx.apiUrl,
          retry: opts.retry,
          deadlineMs: hookDeadlineMs(engine.settings, 'report'),
        })
      : undefined;
  const problems = await publish({
    engine,
    ctx,
    opts,
    result,
    shown,
    octokit,
    stdout: opts.stdout ?? process.stdout,
    runDir: path
      .relative(ctx.workspace ?? result.run.cwd, result.run.dir)
      .split(path.sep)
      .join('/'),
  }).catch((err: unknown) => [`GitHub report failed: ${describeRequestError(err)}`]);
  if (wantsApi && !ctx.token) {
    problems.push(
      'GITHUB_TOKEN is not set: no pull request comment or check was posted; ' +
        'pass it to the step (env: GITHUB_TOKEN: ${{ github.token }})',
    );
  }
  return problems;
}
