import {
  exitCodeOf,
  stateChangesText,
  type DeploymentResult,
  type DeploymentStatus,
  type Finding,
  type RunResult,
} from '@tfo/engine';
import { code, count, text } from './markdown.js';

/** One deployment's texts after redaction: what every output is rendered from. */
export interface RedactedDeployment {
  /** The deployment in the run's redacted view (every string redacted). */
  result: DeploymentResult;
  /** The deployment as it ran: its file paths place annotations; its texts are never shown. */
  source?: DeploymentResult | undefined;
  key: string;
  file: string;
  error?: string | undefined;
  findings: Array<{
    finding: Finding;
    title: string;
    message: string;
    resource?: string | undefined;
    remediation?: string | undefined;
  }>;
  plan: string;
}

export type Verdict = 'success' | 'blocked' | 'failed' | 'cancelled';

const ICON: Record<DeploymentStatus, string> = {
  pending: '⏳',
  running: '⏳',
  planned: '📝',
  'no-changes': '✅',
  applied: '✅',
  blocked: '⛔',
  failed: '❌',
  recovered: '♻️',
  cancelled: '⏹️',
  skipped: '⏭️',
};

/** Order in the comment: what needs a reviewer first. */
const RANK: Record<DeploymentStatus, number> = {
  failed: 0,
  recovered: 1,
  blocked: 2,
  cancelled: 3,
  planned: 4,
  applied: 4,
  pending: 5,
  running: 5,
  skipped: 6,
  'no-changes': 7,
};

/** Most findings listed under one deployment's line; the rest are counted. */
const FINDINGS_LISTED = 8;

export function verdictOf(result: RunResult): Verdict {
  const exit = exitCodeOf(result);
  if (exit === 0) return 'success';
  if (exit === 2) return 'blocked';
  if (exit === 130) return 'cancelled';
  return 'failed';
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  success: 'success',
  blocked: 'blocked by policy',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function sortForReview(list: readonly RedactedDeployment[]): RedactedDeployment[] {
  return [...list].sort(
    (a, b) => RANK[a.result.status] - RANK[b.result.status] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

function changesText(d: DeploymentResult): string {
  const c = d.changes;
  if (!c) return '';
  const replace = c.replace > 0 ? ` (${count(c.replace)} replace)` : '';
  const state = stateChangesText(c);
  return `**+${count(c.add)} ~${count(c.change)} -${count(c.destroy)}**${replace}${state ? ` ${state}` : ''}`;
}

function findingCounts(findings: readonly Finding[]): string {
  const deny = findings.filter((f) => f.level === 'deny' && !f.waived).length;
  const warn = findings.filter((f) => f.level === 'warn' && !f.waived).length;
  const waived = findings.filter((f) => f.waived).length;
  const parts = [
    deny > 0 ? `${deny} deny` : '',
    warn > 0 ? `${warn} warn` : '',
    waived > 0 ? `${waived} waived` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `policy: ${parts.join(', ')}` : '';
}

/** The line of one deployment: status, key, resource counts, findings (and its error), as markdown. */
export function deploymentLine(d: RedactedDeployment): string {
  const r = d.result;
  const head = [
    `${ICON[r.status]} **${r.status}**`,
    code(d.key),
    changesText(r),
    findingCounts(r.findings),
    `<sub>${code(d.file)}</sub>`,
  ]
    .filter(Boolean)
    .join(' · ');
  const details: string[] = [];
  if (d.error) details.push(`- ❌ ${r.error?.stage ?? 'error'}: ${text(d.error)}`);
  if (r.recovery) details.push(`- ♻️ recovery ${r.recovery.action}: ${r.recovery.ok ? 'ok' : 'FAILED'}`);
  const forgotten = r.status === 'blocked' ? [] : (r.changes?.forgotten ?? []);
  for (const a of forgotten.slice(0, FINDINGS_LISTED)) {
    details.push(
      `- 👻 ${r.status === 'applied' ? 'forgotten' : 'to forget'} (out of state, not destroyed): ${code(a)}`,
    );
  }
  if (forgotten.length > FINDINGS_LISTED) details.push(`- … and ${forgotten.length - FINDINGS_LISTED} more forgotten`);
  const shown = [...d.findings].sort((a, b) => weight(a.finding) - weight(b.finding));
  for (const f of shown.slice(0, FINDINGS_LISTED)) {
    const icon = f.finding.waived ? '🏳️' : f.finding.level === 'deny' ? '⛔' : '⚠️';
    const on = f.resource ? ` on ${code(f.resource)}` : '';
    const waived = f.finding.waived ? ' (waived)' : '';
    const unknown = f.finding.unknown ? ' (unknown until apply)' : '';
    details.push(`- ${icon} ${code(f.finding.ruleId)}${on}${waived}${unknown}: ${text(f.message || f.title, 300)}`);
  }
  if (shown.length > FINDINGS_LISTED) details.push(`- … and ${shown.length - FINDINGS_LISTED} more findings`);
  return details.length > 0 ? `${head}\n${details.join('\n')}` : head;
}

function weight(f: Finding): number {
  return f.waived ? 2 : f.level === 'deny' ? 0 : 1;
}

/** `3 with changes · 1 blocked by policy · 1 failed` */
export function tally(result: RunResult): string {
  const by = new Map<DeploymentStatus, number>();
  for (const d of result.deployments) by.set(d.status, (by.get(d.status) ?? 0) + 1);
  const label: Array<[DeploymentStatus, string]> = [
    ['planned', 'with changes'],
    ['applied', 'applied'],
    ['no-changes', 'no changes'],
    ['blocked', 'blocked by policy'],
    ['failed', 'failed'],
    ['recovered', 'failed and recovered'],
    ['cancelled', 'cancelled'],
    ['skipped', 'skipped'],
  ];
  const parts = label.filter(([s]) => (by.get(s) ?? 0) > 0).map(([s, l]) => `${count(by.get(s) ?? 0)} ${l}`);
  return parts.length > 0 ? parts.join(' · ') : 'no deployments';
}

export interface HeaderContext {
  result: RunResult;
  verdict: Verdict;
  /** Redacted run problems and deleted-file notes. */
  problems: string[];
  deleted: Array<{ file: string; reason: string }>;
  sha?: string | undefined;
  runUrl?: string | undefined;
  pointer: string;
}

/** The top of the first comment (and of the step summary). */
export function runHeader(h: HeaderContext, trimmed: number): string {
  const { result } = h;
  const mode = result.run.mode;
  const lines = [`### tfo ${mode}: ${VERDICT_TEXT[h.verdict]}`, '', tally(result)];
  const meta = [
    `run ${code(result.run.id)}`,
    `${count(result.deployments.length)} deployment${result.deployments.length === 1 ? '' : 's'}`,
    h.sha ? `commit ${code(h.sha.slice(0, 12))}` : '',
    h.runUrl ? `[workflow run](${h.runUrl})` : '',
  ].filter(Boolean);
  lines.push('', `<sub>${meta.join(' · ')}</sub>`);
  if (h.problems.length > 0) {
    lines.push('', `**Problems** (the run fails on these):`);
    for (const p of h.problems.slice(0, 20)) lines.push(`- ${text(p)}`);
    if (h.problems.length > 20) lines.push(`- … and ${h.problems.length - 20} more`);
  }
  if (h.deleted.length > 0) {
    lines.push('', '**Deleted tfvars** (their resources are NOT destroyed):');
    for (const d of h.deleted.slice(0, 30)) lines.push(`- ${code(d.file)}: ${text(d.reason, 300)}`);
    if (h.deleted.length > 30) lines.push(`- … and ${h.deleted.length - 30} more`);
  }
  if (trimmed > 0) {
    lines.push(
      '',
      `> [!NOTE]\n> ${count(trimmed)} plan${trimmed === 1 ? ' was' : 's were'} trimmed or left out to stay ` +
        `within GitHub's comment size; the full plans: ${h.pointer}.`,
    );
  }
  return lines.join('\n');
}
