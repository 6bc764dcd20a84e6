import { createHash } from 'node:crypto';
import {
  stateChangesText,
  type DeploymentResult,
  type DeploymentStatus,
  type Finding,
  type RunResult,
  type Severity,
} from '@tfo/engine';
import { CSS, SCRIPT } from './assets.js';
import { escapeHtml as h } from './escape.js';
import { formatBytes, type LogView, type ReportData } from './prepare.js';
import { formatDuration, renderTimeline, STATUS_MARK } from './timeline.js';

const STATUSES: readonly DeploymentStatus[] = [
  'applied',
  'planned',
  'no-changes',
  'blocked',
  'failed',
  'recovered',
  'cancelled',
  'skipped',
];
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const EXIT_MEANING: Record<number, string> = {
  0: 'ok',
  1: 'failed',
  2: 'blocked by policy',
  3: 'bad input',
  130: 'cancelled',
};

/** A state key that may break after its slashes. */
function key(k: string): string {
  return h(k).replace(/\//g, '/<wbr>');
}

function status(s: DeploymentStatus): string {
  return `<span class="st st-${h(s)}">${h(STATUS_MARK[s])} ${h(s)}</span>`;
}

function changes(d: DeploymentResult): string {
  if (!d.changes) return '<span class="dim">–</span>';
  const c = d.changes;
  const state = stateChangesText(c);
  return h(`+${c.add} ~${c.change} −${c.destroy}${c.replace ? ` ±${c.replace}` : ''}${state ? ` ${state}` : ''}`);
}

function header(r: RunResult): string {
  const lanes = new Set(r.deployments.filter((d) => d.lane >= 0).map((d) => d.lane)).size;
  const meta = [
    `started ${r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}`,
    `${r.deployments.length} deployment${r.deployments.length === 1 ? '' : 's'}`,
    `${lanes} worker${lanes === 1 ? '' : 's'}`,
    r.run.changedFrom ? `changed from ${r.run.changedFrom}` : '',
    r.cancelled ? 'cancelled' : '',
  ].filter(Boolean);
  return (
    `<header class="top"><div><h1>tfo ${h(r.run.mode)}<span class="run">${h(r.run.id)}</span></h1>` +
    `<div class="meta">${meta.map(h).join(' · ')}</div></div>` +
    `<div class="exit x${r.exitCode}">exit ${r.exitCode} · ${h(EXIT_MEANING[r.exitCode] ?? 'error')}</div></header>`
  );
}

function cards(r: RunResult): string {
  const count = (s: DeploymentStatus): number => r.deployments.filter((d) => d.status === s).length;
  const shown = STATUSES.filter((s) => count(s) > 0 || ['failed', 'blocked'].includes(s));
  const total = r.deployments.reduce(
    (t, d) => ({
      add: t.add + (d.changes?.add ?? 0),
      change: t.change + (d.changes?.change ?? 0),
      destroy: t.destroy + (d.changes?.destroy ?? 0),
    }),
    { add: 0, change: 0, destroy: 0 },
  );
  const terraformMs = r.deployments.reduce((t, d) => t + d.terraformMs, 0);
  const card = (value: string, label: string, cls = ''): string =>
    `<div class="card ${cls}"><b>${h(value)}</b><span>${h(label)}</span></div>`;
  return (
    `<section class="cards" id="summary">` +
    shown.map((s) => card(String(count(s)), s, `st-${s}${count(s) === 0 ? ' zero' : ''}`)).join('') +
    card(formatDuration(r.durationMs), 'wall time') +
    card(formatDuration(terraformMs), 'in terraform') +
    card(
      `+${total.add} ~${total.change} −${total.destroy}`,
      `resource changes (${r.run.mode === 'plan' ? 'planned' : 'planned or applied'})`,
    ) +
    `</section>`
  );
}

function problems(r: RunResult): string {
  const items: string[] = [];
  for (const d of r.deployments) {
    const what: string[] = [];
    if (d.error) what.push(`${h(d.error.stage)} failed: ${h(d.error.message)}`);
    if (d.recovery) {
      what.push(
        `recovery <b>${h(d.recovery.action)}</b> ${d.recovery.ok ? 'succeeded' : '<b>FAILED</b>'} in ${h(formatDuration(d.recovery.durationMs))}: ${h(d.recovery.detail)}` +
          (d.recovery.orphaned?.length
            ? `; orphaned: ${d.recovery.orphaned.map((a) => `<code>${h(a)}</code>`).join(', ')}`
            : ''),
      );
    }
    const forgotten = d.status === 'blocked' ? [] : (d.changes?.forgotten ?? []);
    if (forgotten.length) {
      what.push(
        `${d.status === 'applied' ? 'forgotten' : 'to forget'} (removed from state, NOT destroyed): ` +
          forgotten.map((a) => `<code>${h(a)}</code>`).join(', '),
      );
    }
    if (d.status === 'blocked') {
      const denies = d.findings.filter((f) => f.level === 'deny' && !f.waived);
      what.push(`blocked by ${denies.map((f) => h(`${f.ruleId} ${f.title}`)).join('; ')}`);
    }
    if (what.length) items.push(`${status(d.status)} <code>${key(d.key)}</code>: ${what.join('<br>')}`);
  }
  for (const p of r.problems) items.push(`${p.plugin ? `<b>[${h(p.plugin)}]</b> ` : ''}${h(p.message)}`);
  for (const d of r.deleted) items.push(`<code>${h(d.file)}</code>: ${h(d.reason)}`);
  if (items.length === 0) return '';
  return `<section class="problems" id="problems"><h2>Needs attention</h2><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></section>`;
}

function deploymentsTable(r: RunResult): string {
  const rows = r.deployments.map((d, i) => {
    const notes = [
      d.error ? `${h(d.error.stage)}: ${h(d.error.message.slice(0, 400))}` : '',
      d.recovery ? `recovery ${h(d.recovery.action)} ${d.recovery.ok ? 'ok' : 'FAILED'}` : '',
      d.findings.length ? `${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}` : '',
      ...(d.problems ?? []).map((p) => h(p)),
    ].filter(Boolean);
    return (
      `<tr data-status="${h(d.status)}"><td>${status(d.status)}</td>` +
      `<td><b>${h(d.project)}</b><br><small class="mono">${key(d.key)}</small></td>` +
      `<td>${h(d.account)}<br><small>${h(d.region)}</small></td><td>${h(d.services.join(', '))}</td>` +
      `<td class="num">${changes(d)}</td><td class="num">${h(formatDuration(d.durationMs))}</td>` +
      `<td class="num">${d.lane >= 0 ? d.lane + 1 : '–'}</td>` +
      `<td>${notes.join('<br>')} <a href="#log-${i}">log</a></td></tr>`
    );
  });
  return (
    `<section id="deployments"><h2>Deployments</h2><table><thead><tr><th>Status</th><th>Deployment</th><th>Account</th>` +
    `<th>Services</th><th>Changes</th><th>Time</th><th>Worker</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

function findingsTable(r: RunResult): string {
  const all: Array<{ f: Finding; d: DeploymentResult }> = r.deployments.flatMap((d) =>
    d.findings.map((f) => ({ f, d })),
  );
  if (all.length === 0)
    return `<section id="findings"><h2>Policy findings</h2><p class="dim">No findings.</p></section>`;
  const rank = (s: Severity): number => SEVERITIES.indexOf(s);
  all.sort((a, b) => rank(a.f.severity) - rank(b.f.severity) || a.f.ruleId.localeCompare(b.f.ruleId));
  const counts = new Map(SEVERITIES.map((s) => [s, all.filter((x) => x.f.severity === s).length]));
  const boxes = SEVERITIES.filter((s) => (counts.get(s) ?? 0) > 0)
    .map(
      (s) =>
        `<label><input type="checkbox" data-sev="${s}" checked><span class="sev sev-${s}">${s}</span> ${counts.get(s)}</label>`,
    )
    .join('');
  const rows = all.map(({ f, d }) => {
    const waived = f.waived
      ? `<span class="waived">waived until ${h(f.waived.expires)}${f.waived.approver ? ` by ${h(f.waived.approver)}` : ''}: ${h(f.waived.reason)}</span>`
      : '<span class="dim">no</span>';
    return (
      `<tr data-sev="${h(f.severity)}"><td><span class="sev sev-${h(f.severity)}">${h(f.severity)}</span></td>` +
      `<td class="lvl-${h(f.level)}">${h(f.level)}${f.unknown ? '<br><small class="dim">unknown until apply</small>' : ''}</td><td class="mono rule">${h(f.ruleId)}</td>` +
      `<td><b>${h(f.title)}</b><br>${h(f.message)}${f.remediation ? `<br><small>fix: ${h(f.remediation)}</small>` : ''}</td>` +
      `<td><small class="mono">${key(d.key)}</small></td><td class="mono">${h(f.resource ?? '')}</td><td>${waived}</td></tr>`
    );
  });
  return (
    `<section id="findings"><h2>Policy findings</h2>` +
    `<fieldset class="filter" id="severity-filter" hidden><span class="dim">severity:</span>${boxes}<span class="dim" id="findings-shown"></span></fieldset>` +
    `<table><thead><tr><th>Severity</th><th>Level</th><th>Rule</th><th>Finding</th><th>Deployment</th><th>Resource</th><th>Waived</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function logSection(d: DeploymentResult, i: number, log: LogView | undefined): string {
  const size = !log || log.missing ? 'no log' : formatBytes(log.bytes);
  const trimmed =
    log && log.omitted > 0 ? ` <span class="note">trimmed: ${h(formatBytes(log.omitted))} left out</span>` : '';
  const body =
    !log || log.missing ? `<pre class="dim">No log was written (${h(d.logFile)}).</pre>` : `<pre>${h(log.text)}</pre>`;
  return (
    `<details id="log-${i}"><summary>${status(d.status)}<span class="key">${h(d.key)}</span>` +
    `<small>${h(size)}</small>${trimmed}</summary>${body}</details>`
  );
}

/** The whole report: one HTML file with its style and script inline, loading nothing. */
export function renderHtml(data: ReportData): string {
  const r = data.result;
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tfo">
<title>tfo ${h(r.run.mode)} ${h(r.run.id)}: exit ${r.exitCode}</title>
<style>${CSS}</style></head>
<body>
${header(r)}
${cards(r)}
${problems(r)}
<section id="timeline"><h2>Timeline</h2>${renderTimeline(r)}</section>
${deploymentsTable(r)}
${findingsTable(r)}
<section id="logs"><h2>Logs</h2><p class="dim">Redacted. The whole, unredacted logs stay in the run folder <code>${h(r.run.dir)}</code>.</p>
${r.deployments.map((d, i) => logSection(d, i, data.logs.get(d.key))).join('\n')}</section>
<footer>Generated by tfo at ${h(data.generatedAt)}. Everything shown here is redacted (values terraform marks sensitive, account ids, keys, tokens, passwords, emails, IP addresses, PEM blocks).</footer>
<script>${SCRIPT}</script>
</body></html>
`;
}
