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
  /** The run as it happened: its log files are read, its paths place annotations; never shown. */
  result: RunResult;
  /** The run's redacted view (the `report` hook's second argument): every text shown comes from it. */
  shown: RunResult;
  octokit: Octokit | undefined;
  stdout: Writer;
  /** The run folder relative to the repository root, for the pointer to `report.html`. */
  runDir: string;
}

/** Statuses whose plan is worth showing. */
const WITH_PLAN = new Set(['planned', 'applied', 'blocked', 'failed', 'recovered']);
/** Deployments prepared at once (reading logs, redacting in the pool). */
const CONCURRENCY = 8;

/**
 * One deployment as every GitHub output shows it: its texts from the run's redacted view (`shown`),
 * its plan section of the log redacted whole and only then trimmed (a cut before redaction could
 * leave a secret's head or tail that no rule recognises).
 */
async function prepare(
  engine: Engine,
  source: DeploymentResult,
  shown: DeploymentResult,
  planMaxChars: number,
): Promise<RedactedDeployment> {
  let plan = '';
  if (WITH_PLAN.has(source.status)) {
    const failedAfterPlan = source.error !== undefined && source.error.stage !== 'plan';
    // the sections are cut at tfo's own `$ terraform …` lines and terraform's "will perform" line,
    // which no secret spans; the section is redacted whole, and only then trimmed
    const section = planSection(await readLog(source.logFile), failedAfterPlan);
    const redacted = await redactInPool(engine, section, engine.sensitive);
    plan = trimLines(redacted, planMaxChars, (n) => `… ${n} lines …`);
  }
  return {
    result: shown,
    source,
    key: shown.key,
    file: shown.file,
    error: shown.error?.message || undefined,
    plan,
    findings: shown.findings.map((finding) => ({
      finding,
      title: finding.title,
      message: finding.message,
      resource: finding.resource || undefined,
      remediation: finding.remediation || undefined,
    })),
  };
}

/** A body cut to GitHub's size limit; its pieces are redacted already (nothing is redacted twice). */
function finalBody(body: string, limit: number): string {
  if (body.length <= limit) return body;
  const note = '\n\n… cut at GitHub’s size limit\n';
  return body.slice(0, limit - note.length) + note;
}

/** Step summary, annotations, comment and check; returns the problems, one per failed output. */
export async function publish(input: PublishInput): Promise<string[]> {
  const { engine, ctx, opts, result, shown } = input;
  const problems: string[] = [];
  // every text below comes from the run's redacted view (or from a log, redacted whole as read)
  const deployments = sortForReview(
    await mapLimit(
      result.deployments.map((d, i) => [d, shown.deployments[i]!] as const),
      CONCURRENCY,
      ([d, s]) => prepare(engine, d, s, opts.planMaxChars),
    ),
  );
  const verdict = verdictOf(result);
  const mode = result.run.mode;
  const suffix = opts.id ? `:${opts.id}` : '';
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

  if (opts.stepSummary && ctx.stepSummary) {
    try {
      await appendStepSummary(ctx.stepSummary, `${summary}\n`);
    } catch (err) {
      problems.push(`step summary not written to ${ctx.stepSummary}: ${(err as Error).message}`);
    }
  }

  if (opts.annotations) {
    const commands = await annotations(deployments, ctx, result, opts.maxAnnotations);
    const text = commands.map(annotationCommand).join('\n');
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
        const bodies = rendered.bodies.map((b) => finalBody(b, GITHUB_COMMENT_LIMIT));
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
          title: `${VERDICT_TEXT[verdict]}: ${tally(shown)}`,
          summary: finalBody(summary, 65_535),
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
    // locations (paths, lines) from the deployment as it ran; texts from the redacted view
    const source = d.source ?? d.result;
    const file = repoPath(ctx.workspace, cwd, source.file);
    const tfvars = d.findings.some((f) => f.resource) ? await readText(path.resolve(cwd, source.file)) : '';
    for (const [i, f] of d.findings.entries()) {
      if (f.finding.waived) continue;
      const placed = source.findings[i] ?? f.finding;
      out.push({
        level: f.finding.level === 'deny' ? 'error' : 'warning',
        file: placed.file ? repoPath(ctx.workspace, cwd, placed.file) : file,
        line: lineForResource(tfvars, placed.resource),
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
