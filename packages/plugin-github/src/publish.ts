import type { Octokit } from '@octokit/rest';
import { mapLimit } from '@tfo/engine/discovery';
import { type Engine, type RunResult } from '@tfo/engine';
import { annotations } from './annotations.js';
import { reportCheck } from './check.js';
import { describeRequestError } from './client.js';
import { GITHUB_COMMENT_LIMIT, renderComment, type DeploymentView } from './comment.js';
import type { GitHubContext } from './context.js';
import type { ResolvedGitHubOptions } from './plugin.js';
import { CONCURRENCY, prepareDeployment } from './prepare-deployment.js';
import {
  deploymentLine,
  runHeader,
  sortForReview,
  tally,
  verdictOf,
  VERDICT_TEXT,
  type HeaderContext,
  type RedactedDeployment,
  type Verdict,
} from './render.js';
import { upsertSticky } from './sticky.js';
import { annotationCommand, appendStepSummary } from './workflow-commands.js';

export interface Writer {
  write(text: string): unknown;
}

export interface PublishInput {
  engine: Engine;
  ctx: GitHubContext;
  opts: ResolvedGitHubOptions;
  /** The run as it happened: its log files are read, its paths place annotations; never shown. */
  result: RunResult;
  /** The run's redacted view (the `report` hook's second argument): every text shown comes from it. */
  shown: RunResult;
  octokit: Octokit | undefined;
  stdout: Writer;
  /** The run folder relative to the repository root, for the pointer to `report.html`. */
  runDir: string;
}

/** A body cut to GitHub's size limit; its pieces are redacted already (nothing is redacted twice). */
function finalBody(body: string, limit: number): string {
  if (body.length <= limit) return body;
  const note = '\n\n… cut at GitHub’s size limit\n';
  return body.slice(0, limit - note.length) + note;
}

/** What every output of one run shows, built once from the run's redacted view. */
interface RunView {
  /** In review order, each with its plan section redacted and trimmed. */
  deployments: RedactedDeployment[];
  /** One summary line per deployment, in the same order. */
  lines: string[];
  header: HeaderContext;
  /** The step summary, also the check's summary. */
  summary: string;
  /** Where the full report is, for the comment. */
  pointer: string;
  verdict: Verdict;
}

async function runView(input: PublishInput): Promise<RunView> {
  const { engine, ctx, opts, result, shown } = input;
  // every text below comes from the run's redacted view (or from a log, redacted whole as read)
  const deployments = sortForReview(
    await mapLimit(
      result.deployments.map((d, i) => [d, shown.deployments[i]!] as const),
      CONCURRENCY,
      ([d, s]) => prepareDeployment(engine, d, s, opts.planMaxChars),
    ),
  );
  const verdict = verdictOf(result);
  const report = `${input.runDir}/report.html`;
  const pointer = ctx.runUrl
    ? `\`${report}\` in the \`${opts.reportArtifact}\` artifact of [this workflow run](${ctx.runUrl})`
    : `\`${report}\``;
  const header: HeaderContext = {
    result: shown,
    verdict,
    problems: shown.problems.map((p) => (p.plugin ? `${p.plugin}: ${p.message}` : p.message)),
    deleted: shown.deleted,
    sha: ctx.sha || undefined,
    runUrl: ctx.runUrl,
    pointer,
  };
  const lines = deployments.map((d) => deploymentLine(d));
  const summary = [runHeader(header, 0), ...lines].join('\n\n');
  return { deployments, lines, header, summary, pointer, verdict };
}

/** Step summary, annotations, comment and check; returns the problems, one per failed output. */
export async function publish(input: PublishInput): Promise<string[]> {
  const { ctx, opts, result } = input;
  const problems: string[] = [];
  const view = await runView(input);

  if (opts.stepSummary && ctx.stepSummary) {
    try {
      await appendStepSummary(ctx.stepSummary, `${view.summary}\n`);
    } catch (err) {
      problems.push(`step summary not written to ${ctx.stepSummary}: ${(err as Error).message}`);
    }
  }

  if (opts.annotations) {
    const commands = await annotations(view.deployments, ctx, result, opts.maxAnnotations);
    const text = commands.map(annotationCommand).join('\n');
    if (text) input.stdout.write(`${text}\n`);
  }

  const { octokit } = input;
  if (!octokit) return problems;

  if (opts.comment) {
    try {
      await postComment(octokit, input, view);
    } catch (err) {
      problems.push(`pull request comment not posted: ${describeRequestError(err)}`);
    }
  }

  if (opts.check !== 'none' && ctx.sha) {
    try {
      await postCheck(octokit, input, view);
    } catch (err) {
      problems.push(`check not reported: ${describeRequestError(err)}`);
    }
  }
  return problems;
}

/** The sticky comment on the pull request (or the one a pushed commit merged), in parts if long. */
async function postComment(octokit: Octokit, input: PublishInput, view: RunView): Promise<void> {
  const { ctx, opts } = input;
  const mode = input.result.run.mode;
  const issue = ctx.pullRequest?.number ?? (await mergedPullRequest(octokit, ctx));
  if (issue === undefined) return;
  const views: DeploymentView[] = view.deployments.map((d, i) => ({ line: view.lines[i]!, plan: d.plan }));
  const name = `tfo:${mode}${opts.id ? `:${opts.id}` : ''}`;
  const rendered = renderComment(
    name,
    views,
    ({ part, total, trimmed }) =>
      part === 1 ? runHeader(view.header, trimmed) : `### tfo ${mode} · part ${part} of ${total}`,
    view.pointer,
    { maxChars: opts.maxCommentChars, maxParts: opts.maxComments, planMaxChars: opts.planMaxChars },
  );
  const bodies = rendered.bodies.map((b) => finalBody(b, GITHUB_COMMENT_LIMIT));
  await upsertSticky(octokit, { owner: ctx.owner, repo: ctx.repo, issue, name }, bodies);
}

/** The check run on the commit, with the verdict and the step summary. */
async function postCheck(octokit: Octokit, input: PublishInput, view: RunView): Promise<void> {
  const { ctx, opts, shown } = input;
  const name = `tfo ${input.result.run.mode}${opts.id ? ` (${opts.id})` : ''}`;
  await reportCheck(
    octokit,
    {
      owner: ctx.owner,
      repo: ctx.repo,
      sha: ctx.sha,
      name,
      verdict: view.verdict,
      title: `${VERDICT_TEXT[view.verdict]}: ${tally(shown)}`,
      summary: finalBody(view.summary, 65_535),
      detailsUrl: ctx.runUrl,
    },
    opts.check,
  );
}

/** The pull request a pushed commit merged, for the apply comment; undefined when there is none. */
async function mergedPullRequest(octokit: Octokit, ctx: GitHubContext): Promise<number | undefined> {
  if (ctx.eventName !== 'push' || !ctx.sha) return undefined;
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: ctx.owner,
    repo: ctx.repo,
    commit_sha: ctx.sha,
  });
  return (data.find((pr) => pr.merge_commit_sha === ctx.sha) ?? data[0])?.number;
}
