// The text views of `tfo audit query | report | verify` (their JSON views are the data itself).
import type { ComplianceReport, ReportableRecord } from './query.js';
import type { TrailVerification } from './verify-trail.js';

export function recordLine(r: ReportableRecord & { actor: string; context: { pullRequest: number | null } }): string {
  const d = r.deployment;
  const ci = r.context.pullRequest ? ` PR #${r.context.pullRequest}` : '';
  return `${r.timestamp}  ${r.action.padEnd(7)} ${r.outcome.padEnd(10)} ${d.account}/${d.region}/${d.project}  ${d.file}  by ${r.actor}${ci}  ${r.id}`;
}

export function reportText(report: ComplianceReport): string {
  const width = Math.max(7, ...report.accounts.map((a) => a.account.length));
  const columns: Array<[string, keyof ComplianceReport['totals']]> = [
    ['CHANGES', 'changes'],
    ['PLANS', 'plans'],
    ['FAILURES', 'failures'],
    ['RECOVERIES', 'recoveries'],
    ['WAIVERS', 'waiversUsed'],
    ['BLOCKS', 'policyBlocks'],
    ['DRIFT', 'drift'],
    ['REPAIRS', 'stateRepairs'],
  ];
  const row = (name: string, counts: ComplianceReport['totals']): string =>
    [name.padEnd(width), ...columns.map(([title, field]) => String(counts[field]).padStart(title.length))].join('  ');
  const lines = [
    `audit report since ${report.since ?? 'the first record'}: ${report.records} record(s)`,
    ['ACCOUNT'.padEnd(width), ...columns.map(([title]) => title)].join('  '),
    ...report.accounts.map((a) => row(a.account, a)),
    row('total', report.totals),
  ];
  if (report.failures.length) {
    lines.push(
      'failures:',
      ...report.failures.map((f) => `  ${f.timestamp}  ${f.file}  ${f.stage ?? '-'}: ${f.message ?? '-'}`),
    );
  }
  if (report.recoveries.length) {
    lines.push(
      'recoveries:',
      ...report.recoveries.map((r) => `  ${r.timestamp}  ${r.file}  ${r.action} ${r.ok ? 'ok' : 'FAILED'}`),
    );
  }
  if (report.waivers.length) {
    lines.push(
      'waivers used:',
      ...report.waivers.map(
        (w) =>
          `  ${w.timestamp}  ${w.file}  ${w.ruleId} ${w.resource ?? ''}  "${w.reason}" approved by ${w.approver ?? 'unknown'}, expires ${w.expires}`,
      ),
    );
  }
  if (report.policyBlocks.length) {
    lines.push(
      'policy blocks:',
      ...report.policyBlocks.map((b) => `  ${b.timestamp}  ${b.file}  ${b.rules.join(', ')}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function verifyText(result: TrailVerification): string {
  const { chain, dir } = result;
  const lines = chain.ok
    ? [
        `audit trail intact: ${chain.records} record(s) in ${chain.files} file(s), head ${chain.head?.slice(0, 12) ?? 'none'}`,
      ]
    : [
        `audit trail BROKEN at ${chain.broken.file}:${chain.broken.line}${chain.broken.id ? ` (record ${chain.broken.id})` : ''}: ${chain.broken.reason}`,
        `  ${chain.records} record(s) before it hold; the folder is ${dir}`,
      ];
  for (const a of result.anchors) {
    if (a.problem) lines.push(`anchor in ${a.sink} (${a.location}) does NOT hold: ${a.problem}`);
    else if (!chain.ok) lines.push(`anchor in ${a.sink} (${a.location}): not compared, the chain is broken`);
    else if (!a.anchor) lines.push(`anchor in ${a.sink} (${a.location}): none yet, and the trail is empty`);
    else {
      const after = a.unanchored
        ? `; ${a.unanchored} later record(s) not anchored yet (the next run anchors them)`
        : '';
      lines.push(`anchor in ${a.sink} (${a.location}) holds: record #${a.anchor.seq} is in the trail${after}`);
    }
  }
  if (result.note) lines.push(`note: ${result.note}`);
  return `${lines.join('\n')}\n`;
}
