import path from 'node:path';
import type { RunResult } from '@tfo/engine';
import type { GitHubContext } from './context.js';
import type { RedactedDeployment } from './render.js';
import { lineForResource, readText, repoPath, type Annotation } from './workflow-commands.js';

/** Error and warning annotations on the tfvars files: findings, then failed deployments. */
export async function annotations(
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
