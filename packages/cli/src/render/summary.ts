import { stateChangesText, type DeploymentResult, type DeploymentStatus, type RunResult } from '@tfo/engine';
import { formatMs, type Style } from './style.js';

const MARK: Record<DeploymentStatus, string> = {
  pending: '·',
  running: '…',
  planned: '~',
  'no-changes': '=',
  applied: '✔',
  blocked: '⛔',
  failed: '✘',
  recovered: '↺',
  cancelled: '⏹',
  skipped: '-',
};

function paint(style: Style, status: DeploymentStatus, text: string): string {
  switch (status) {
    case 'applied':
    case 'no-changes':
    case 'planned':
      return style.green(text);
    case 'blocked':
    case 'failed':
      return style.red(text);
    case 'recovered':
    case 'cancelled':
      return style.yellow(text);
    default:
      return text;
  }
}

function changes(d: DeploymentResult): string {
  if (!d.changes) return '';
  return [`+${d.changes.add} ~${d.changes.change} -${d.changes.destroy}`, stateChangesText(d.changes)]
    .filter(Boolean)
    .join(' ');
}

/** A forget leaves the resource in the cloud and in no state: the run names each one. */
function forgottenNotes(d: DeploymentResult): string[] {
  const forgotten = d.changes?.forgotten ?? [];
  if (forgotten.length === 0) return [];
  const what =
    d.status === 'applied'
      ? 'forgotten: removed from state, NOT destroyed; they still exist and no state manages them'
      : d.status === 'planned'
        ? 'would be forgotten: removed from state, not destroyed'
        : 'planned to be forgotten (removed from state, not destroyed); the apply did not finish: check its state';
  return [`${d.file}: ${forgotten.length} resource(s) ${what}`, ...forgotten.map((a) => `    forgotten: ${a}`)];
}

/** The end-of-run table (key, result, +/~/-, duration), then what needs a human's eyes. */
export function renderSummary(result: RunResult, style: Style): string {
  const rows = result.deployments.map((d) => [
    d.key,
    `${MARK[d.status]} ${d.status}`,
    changes(d),
    formatMs(d.durationMs),
  ]);
  const head = ['KEY', 'RESULT', 'CHANGES', 'TIME'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out: string[] = ['', style.bold(line(head))];
  result.deployments.forEach((d, i) => {
    const cells = rows[i]!;
    const text = line(cells);
    const at = text.indexOf(cells[1]!);
    out.push(text.slice(0, at) + paint(style, d.status, cells[1]!) + text.slice(at + cells[1]!.length));
  });

  const notes: string[] = [];
  for (const d of result.deployments) {
    for (const f of d.findings) {
      // unknown: the rule could not decide before apply (always a warning)
      const tag = f.waived ? 'waived' : f.unknown ? `${f.level}, unknown` : f.level;
      notes.push(
        `${d.file}: [${tag}] ${f.ruleId} (${f.severity}) ${f.title}: ${f.resource ?? ''} ${f.message}`.replace(
          /\s+/g,
          ' ',
        ),
      );
      if (f.waived)
        notes.push(`    waived until ${f.waived.expires} by ${f.waived.approver ?? '?'}: ${f.waived.reason}`);
      else if (f.level === 'deny' && f.remediation) notes.push(`    fix: ${f.remediation}`);
    }
    if (d.status !== 'blocked' && d.status !== 'no-changes') notes.push(...forgottenNotes(d));
    if (d.error) notes.push(`${d.file}: ${d.error.stage} failed: ${d.error.message}`);
    if (d.recovery) {
      notes.push(
        `${d.file}: recovery ${d.recovery.action} ${d.recovery.ok ? 'succeeded' : 'FAILED'} in ${formatMs(d.recovery.durationMs)}: ${d.recovery.detail}`,
      );
      for (const a of d.recovery.orphaned ?? []) notes.push(`    orphaned: ${a}`);
    }
    if (d.status === 'failed' || d.status === 'recovered') notes.push(`    log: ${d.logFile}`);
  }
  for (const del of result.deleted) notes.push(`${del.file}: ${del.reason}`);
  for (const p of result.problems) notes.push(`${p.plugin ? `[${p.plugin}] ` : ''}${p.message}`);
  if (notes.length) out.push('', ...notes);

  const count = (s: DeploymentStatus): number => result.deployments.filter((d) => d.status === s).length;
  const parts = (
    ['applied', 'no-changes', 'planned', 'blocked', 'failed', 'recovered', 'cancelled', 'skipped'] as const
  )
    .filter((s) => count(s) > 0)
    .map((s) => `${count(s)} ${s}`);
  out.push(
    '',
    `${style.bold(`${result.run.mode} ${result.run.id}`)}: ${parts.join(', ') || 'nothing to do'} in ${formatMs(result.durationMs)} (exit ${result.exitCode})`,
    style.dim(`logs and result: ${result.run.dir}`),
    '',
  );
  return out.join('\n');
}
