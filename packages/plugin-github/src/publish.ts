import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import { mapLimit, redactInPool, type DeploymentResult, type Engine, type RunResult } from '@tfo/engine';
import { reportCheck } from './check.js';
import { describeRequestError } from './client.js';
import { GITHUB_COMMENT_LIMIT, renderComment, type DeploymentView } from './comment.js';
import type { GitHubContext } from './context.js';
import { planSection, readLog, trimLines } from './plan-text.js';
import type { ResolvedGitHubOptions } from './plugin.js';
import {
  deploymentLine,
  runHeader,
  sortForReview,
  tally,
  verdictOf,
  VERDICT_TEXT,
  type HeaderContext,
  type RedactedDeployment,
} from './render.js';
import { upsertSticky } from './sticky.js';
import {
  annotationCommand,
  appendStepSummary,
  lineForResource,
  readText,
  repoPath,
  type Annotation,
} from './workflow-commands.js';

export interface Writer {
  write(text: string): unknown;
}

export interface PublishInput {
  engine: Engine;
  ctx: GitHubContext;
  opts: ResolvedGitHubOptions;
  result: RunResult;
  octokit: Octokit | undefined;
  stdout: Writer;
  /** The run folder relative to the repository root, for the pointer to `report.html`. */
  runDir: string;
}

/** Statuses whose plan is worth showing. */
const WITH_PLAN = new Set(['planned', 'applied', 'blocked', 'failed', 'recovered']);
/** Pieces of one deployment are redacted in one call, joined by this line (no rule matches it). */
const SEPARATOR = '\n\u241e\u241e\u241e\n';
/** Deployments prepared at once (reading logs, redacting in the pool). */
const CONCURRENCY = 8;

/** Redacts several texts in one pool call; falls back to one call each if the joins moved. */
async function redactAll(engine: Engine, pieces: readonly string[]): Promise<string[]> {
  const joined = await redactInPool(engine, pieces.join(SEPARATOR), engine.sensitive);
  const out = joined.split(SEPARATOR);
  if (out.length === pieces.length) return out;
  return Promise.all(pieces.map((p) => redactInPool(engine, p, engine.sensitive)));
}

async function prepare(engine: Engine, d: DeploymentResult, planMaxChars: number): Promise<RedactedDeployment> {
  let plan = '';
  if (WITH_PLAN.has(d.status)) {
    const failedAfterPlan = d.error !== undefined && d.error.stage !== 'plan';
    // cut at lines before redaction (a secret is never half-kept), with room for what redaction adds
    plan = trimLines(planSection(await readLog(d.logFile), failedAfterPlan), planMaxChars * 2, (n) => `… ${n} lines …`);
  }
  const findings = d.findings.flatMap((f) => [f.title, f.message, f.resource ?? '', f.remediation ?? '']);
  const [key = '', file = '', error = '', redactedPlan = '', ...rest] = await redactAll(engine, [
    d.key,
    d.file,
    d.error?.message ?? '',
    plan,
    ...findings,
  ]);
  return {
    result: d,
    key,
    file,
    error: error || undefined,
    plan: redactedPlan,
    findings: d.findings.map((finding, i) => ({
      finding,
      title: rest[i * 4] ?? '',
      message: rest[i * 4 + 1] ?? '',
      resource: rest[i * 4 + 2] || undefined,
      remediation: rest[i * 4 + 3] || undefined,
    })),
  };
}

/** The last redaction of a whole body: what is sent is redacted even if a piece slipped through. */
async function finalBody(engine: Engine, body: string, limit: number): Promise<string> {
  const shown = await redactInPool(engine, body, engine.sensitive);
  if (shown.length <= limit) return shown;
  const note = '\n\n… cut at GitHub’s size limit\n';
  return shown.slice(0, limit - note.length) + note;
}

/** Step summary, annotations, comment and check; returns the problems, one per failed output. */
export async function publish(input: PublishInput): Promise<string[]> {
  const { engine, ctx, opts, result } = input;
  const problems: string[] = [];
  const deployments = sortForReview(
    await mapLimit(result.deployments, CONCURRENCY, (d) => prepare(engine, d, opts.planMaxChars)),
  );
  const verdict = verdictOf(result);
  const mode = result.run.mode;
  const suffix = opts.id ? `:${opts.id}` : '';
  const report = `${input.runDir}/report.html`;
  const pointer = ctx.runUrl
    ? `\`${report}\` in the \`${opts.reportArtifact}\` artifact of [this workflow run](${ctx.runUrl})`
    : `\`${report}\``;
  const header: HeaderContext = {
    result,
    verdict,
    problems: await redactAll(
      engine,
      result.problems.map((p) => (p.plugin ? `${p.plugin}: ${p.message}` : p.message)),
    ),
    deleted: result.deleted,
    sha: ctx.sha || undefined,
    runUrl: ctx.runUrl,
    pointer,
  };
  const lines = deployments.map((d) => deploymentLine(d));
  const summary = [runHeader(header, 0), ...lines].join('\n\n');

  if (opts.stepSummary && ctx.stepSummary) {
    try {
      await appendStepSummary(ctx.stepSummary, await finalBody(engine, `${summary}\n`, Number.MAX_SAFE_INTEGER));
    } catch (err) {
      problems.push(`step summary not written to ${ctx.stepSummary}: ${(err as Error).message}`);
    }
  }

  if (opts.annotations) {
    const commands = await annotations(deployments, ctx, result, opts.maxAnnotations);
    const text = await redactInPool(engine, commands.map(annotationCommand).join('\n'), engine.sensitive);
    if (text) input.stdout.write(`${text}\n`);
  }

  const { octokit } = input;
  if (!octokit) return problems;

  if (opts.comment) {
    try {
      const issue = ctx.pullRequest?.number ?? (await mergedPullRequest(octokit, ctx));
      if (issue !== undefined) {
        const views: DeploymentView[] = deployments.map((d, i) => ({ line: lines[i]!, plan: d.plan }));
        const name = `tfo:${mode}${suffix}`;
        const rendered = renderComment(
          name,
          views,
          ({ part, total, trimmed }) =>
            part === 1 ? runHeader(header, trimmed) : `### tfo ${mode} · part ${part} of ${total}`,
          pointer,
          { maxChars: opts.maxCommentChars, maxParts: opts.maxComments, planMaxChars: opts.planMaxChars },
        );
        const bodies = await Promise.all(rendered.bodies.map((b) => finalBody(engine, b, GITHUB_COMMENT_LIMIT)));
        await upsertSticky(octokit, { owner: ctx.owner, repo: ctx.repo, issue, name }, bodies);
      }
    } catch (err) {
      problems.push(`pull request comment not posted: ${describeRequestError(err)}`);
    }
  }

  if (opts.check !== 'none' && ctx.sha) {
    try {
      const name = `tfo ${mode}${opts.id ? ` (${opts.id})` : ''}`;
      await reportCheck(
        octokit,
        {
          owner: ctx.owner,
          repo: ctx.repo,
          sha: ctx.sha,
          name,
          verdict,
          title: `${VERDICT_TEXT[verdict]}: ${tally(result)}`,
          summary: await finalBody(engine, summary, 65_535),
          detailsUrl: ctx.runUrl,
        },
        opts.check,
      );
    } catch (err) {
      problems.push(`check not reported: ${describeRequestError(err)}`);
    }
  }
  return problems;
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

/** Error and warning annotations on the tfvars files: findings, then failed deployments. */
async function annotations(
  deployments: readonly RedactedDeployment[],
  ctx: GitHubContext,
  result: RunResult,
  max: number,
): Promise<Annotation[]> {
  const out: Annotation[] = [];
  const cwd = result.run.cwd;
  for (const d of deployments) {
    const file = repoPath(ctx.workspace, cwd, d.result.file);
    const tfvars = d.findings.some((f) => f.resource) ? await readText(path.resolve(cwd, d.result.file)) : '';
    for (const f of d.findings) {
      if (f.finding.waived) continue;
      out.push({
        level: f.finding.level === 'deny' ? 'error' : 'warning',
        file: f.finding.file ? repoPath(ctx.workspace, cwd, f.finding.file) : file,
        line: lineForResource(tfvars, f.finding.resource),
        title: `${f.finding.ruleId}${f.resource ? ` ${f.resource}` : ''}`,
        message: [f.title, f.message, f.remediation ? `Fix: ${f.remediation}` : ''].filter(Boolean).join('\n'),
      });
    }
    if (d.error && (d.result.status === 'failed' || d.result.status === 'recovered')) {
      out.push({ level: 'error', file, title: `tfo: ${d.key} ${d.result.status}`, message: d.error });
    }
  }
  const kept: Annotation[] = [];
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const a of out) if (counts[a.level]++ < max) kept.push(a);
  const left = out.length - kept.length;
  if (left > 0) {
    kept.push({ level: 'warning', message: `${left} more tfo annotations left out; see the job summary` });
  }
  return kept;
}
