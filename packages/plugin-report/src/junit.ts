import { stateChangesText, type DeploymentResult, type Finding, type RunResult } from '@tfo/engine';
import { escapeXml as x } from './escape.js';
import type { ReportData } from './prepare.js';

/** Lines of a failed deployment's log that go into its `<failure>`. */
const LOG_TAIL_LINES = 40;

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);
/** Attribute values on one line (parsers turn newlines in attributes into spaces anyway). */
const attr = (text: string, max = 500): string => x(text.replace(/\s+/g, ' ').trim().slice(0, max));

function logTail(data: ReportData, d: DeploymentResult): string {
  const log = data.logs.get(d.key);
  if (!log || log.missing || !log.text) return '';
  const lines = log.text.trimEnd().split('\n');
  const tail = lines.slice(-LOG_TAIL_LINES).join('\n');
  return `\n\nlast ${Math.min(lines.length, LOG_TAIL_LINES)} lines of the log (redacted; whole log: ${d.logFile}):\n${tail}`;
}

function findingLine(f: Finding): string {
  const waived = f.waived ? ` (waived until ${f.waived.expires}: ${f.waived.reason})` : '';
  const fix = f.remediation ? `\n    fix: ${f.remediation}` : '';
  return `[${f.level}${f.unknown ? ' unknown' : ''} ${f.severity}] ${f.ruleId} ${f.title}: ${f.resource ?? ''} ${f.message}${waived}${fix}`;
}

function testcase(data: ReportData, d: DeploymentResult): string {
  const open = `    <testcase classname="${x(`${d.account}/${d.region}`)}" name="${x(d.key)}" file="${x(d.file)}" time="${seconds(d.durationMs)}"`;
  const out: string[] = [];
  switch (d.status) {
    case 'failed':
    case 'recovered': {
      const what = d.error ? `${d.error.stage} failed: ${d.error.message}` : `${d.status}`;
      const recovery = d.recovery
        ? `recovery ${d.recovery.action} ${d.recovery.ok ? 'succeeded' : 'FAILED'}: ${d.recovery.detail}` +
          (d.recovery.orphaned?.length ? `\norphaned: ${d.recovery.orphaned.join(', ')}` : '')
        : 'no recovery';
      const message = `${d.status === 'recovered' ? 'failed and recovered' : 'failed'}: ${what}`;
      out.push(
        `      <failure type="${x(d.error?.stage ?? d.status)}" message="${attr(message)}">${x(`${what}\n${recovery}${logTail(data, d)}`)}</failure>`,
      );
      break;
    }
    case 'blocked': {
      const denies = d.findings.filter((f) => f.level === 'deny' && !f.waived);
      out.push(
        `      <failure type="policy" message="${attr(`blocked by policy: ${denies.map((f) => `${f.ruleId} ${f.title}`).join('; ')}`)}">${x(d.findings.map(findingLine).join('\n'))}</failure>`,
      );
      break;
    }
    case 'skipped':
    case 'cancelled':
    case 'pending':
      out.push(`      <skipped message="${x(d.status)}"/>`);
      break;
    default:
      break;
  }
  const summary = [
    `${d.status}${d.changes ? ` +${d.changes.add} ~${d.changes.change} -${d.changes.destroy} ${stateChangesText(d.changes)}`.trimEnd() : ''}`,
    ...(d.status === 'blocked' ? [] : d.findings.map(findingLine)),
    ...(d.problems ?? []),
  ];
  out.push(`      <system-out>${x(summary.join('\n'))}</system-out>`);
  return `${open}>\n${out.join('\n')}\n    </testcase>`;
}

/**
 * The run as JUnit XML: one testcase per deployment (classname account/region, name the state
 * key). Failed and recovered deployments are failures, blocked ones failures of type policy,
 * skipped and cancelled ones skipped; problems outside any deployment are one more failing case.
 * Give it redacted data (prepareReport).
 */
export function renderJunit(data: ReportData): string {
  const r: RunResult = data.result;
  const cases = r.deployments.map((d) => testcase(data, d));
  if (r.problems.length) {
    const text = r.problems.map((p) => `${p.plugin ? `[${p.plugin}] ` : ''}${p.message}`).join('\n');
    cases.push(
      `    <testcase classname="tfo" name="run problems" time="0">\n      <failure type="problems" message="${attr(text)}">${x(text)}</failure>\n    </testcase>`,
    );
  }
  const failures =
    r.deployments.filter((d) => ['failed', 'recovered', 'blocked'].includes(d.status)).length +
    (r.problems.length ? 1 : 0);
  const skipped = r.deployments.filter((d) => ['skipped', 'cancelled', 'pending'].includes(d.status)).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(r.durationMs)}"`;
  const name = x(`tfo ${r.run.mode} ${r.run.id}`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${name}" ${counts}>\n` +
    `  <testsuite name="${name}" ${counts} timestamp="${x(r.startedAt.replace(/\.\d+Z$/, ''))}">\n` +
    `${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`
  );
}
