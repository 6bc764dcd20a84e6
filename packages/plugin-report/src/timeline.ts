import type { DeploymentResult, DeploymentStatus, RunResult, Stage } from '@tfo/engine';
import { escapeHtml as h } from './escape.js';

/** Stage colours, shared by the bars and the legend. */
export const STAGE_ORDER: readonly Stage[] = [
  'lock',
  'init',
  'plan',
  'validate',
  'backup',
  'apply',
  'verify',
  'recover',
];

export const STATUS_MARK: Record<DeploymentStatus, string> = {
  pending: '·',
  running: '…',
  planned: '~',
  'no-changes': '=',
  applied: '✔',
  blocked: '⊘',
  failed: '✘',
  recovered: '↺',
  cancelled: '■',
  skipped: '–',
};

export interface Segment {
  stage: Stage;
  start: number;
  end: number;
  ok: boolean | undefined;
}

/** A deployment on the timeline; times in ms from the run's start. */
export interface Bar {
  index: number;
  deployment: DeploymentResult;
  start: number;
  end: number;
  segments: Segment[];
}

export interface Timeline {
  /** Epoch ms the axis starts at. */
  origin: number;
  span: number;
  lanes: Array<{ lane: number; bars: Bar[] }>;
  /** Deployments that never started (skipped, cancelled before their turn). */
  notRun: DeploymentResult[];
}

/** Lays the deployments out on their worker lanes against one time axis. */
export function layoutTimeline(result: RunResult): Timeline {
  const runStart = Date.parse(result.startedAt);
  const runEnd = Date.parse(result.endedAt);
  let origin = Number.isFinite(runStart) ? runStart : Infinity;
  let last = Number.isFinite(runEnd) ? runEnd : -Infinity;
  for (const d of result.deployments) {
    for (const t of d.timings) {
      origin = Math.min(origin, t.startedAt);
      last = Math.max(last, t.endedAt ?? t.startedAt);
    }
  }
  const span = Number.isFinite(origin) && Number.isFinite(last) ? Math.max(1, last - origin) : 1;
  const byLane = new Map<number, Bar[]>();
  const notRun: DeploymentResult[] = [];
  result.deployments.forEach((d, index) => {
    if (d.lane < 0 || d.timings.length === 0) {
      notRun.push(d);
      return;
    }
    const segments = d.timings.map((t) => ({
      stage: t.stage,
      start: t.startedAt - origin,
      end: (t.endedAt ?? origin + span) - origin,
      ok: t.ok,
    }));
    const bar: Bar = {
      index,
      deployment: d,
      start: segments.reduce((m, s) => Math.min(m, s.start), Infinity),
      end: segments.reduce((m, s) => Math.max(m, s.end), -Infinity),
      segments,
    };
    const bars = byLane.get(d.lane) ?? [];
    bars.push(bar);
    byLane.set(d.lane, bars);
  });
  const lanes = [...byLane.entries()]
    .sort(([a], [b]) => a - b)
    .map(([lane, bars]) => ({ lane, bars: bars.sort((a, b) => a.start - b.start) }));
  return { origin: Number.isFinite(origin) ? origin : 0, span, lanes, notRun };
}

const STEPS_MS = [
  100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000,
];

/** The axis step: the smallest of the round steps that needs no more than `max` ticks. */
export function tickStep(span: number, max = 10): number {
  return STEPS_MS.find((s) => span / s <= max) ?? Math.ceil(span / max / 3_600_000) * 3_600_000;
}

/** `850ms`, `12.4s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function tickLabel(ms: number, step: number): string {
  if (ms === 0) return '0';
  if (step < 1000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 60_000) return `${ms / 1000}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (ms < 3_600_000) return s ? `${m}m${String(s).padStart(2, '0')}s` : `${m}m`;
  return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(3)}%`;

function tooltip(bar: Bar): string {
  const d = bar.deployment;
  const stages = bar.segments
    .map(
      (s) =>
        `<li><i class="sw s-${h(s.stage)}${s.ok === false ? ' bad' : ''}"></i>${h(s.stage)} ${h(formatDuration(s.end - s.start))}${s.ok === false ? ' (failed)' : ''}</li>`,
    )
    .join('');
  const error = d.error ? `<p class="tip-err">${h(d.error.stage)} failed: ${h(d.error.message.slice(0, 300))}</p>` : '';
  return (
    `<span class="tip" role="tooltip"><b>${h(d.key)}</b>` +
    `<span class="st st-${h(d.status)}">${h(STATUS_MARK[d.status])} ${h(d.status)}</span>` +
    ` ${h(formatDuration(bar.end - bar.start))}, from +${h(formatDuration(bar.start))}` +
    `<ul>${stages}</ul>${error}</span>`
  );
}

function renderBar(bar: Bar, span: number): string {
  const d = bar.deployment;
  const width = Math.max(bar.end - bar.start, 1);
  const segments = bar.segments
    .map(
      (s) =>
        `<span class="seg s-${h(s.stage)}${s.ok === false ? ' bad' : ''}" style="left:${pct(s.start - bar.start, width)};width:${pct(Math.max(s.end - s.start, 0), width)}"></span>`,
    )
    .join('');
  const side = bar.start / span > 0.6 ? ' tip-left' : '';
  return (
    `<a class="bar st-${h(d.status)}${side}" href="#log-${bar.index}" style="left:${pct(bar.start, span)};width:${pct(width, span)}"` +
    ` data-key="${h(d.key)}" data-lane="${d.lane}" data-start="${Math.round(bar.start)}" data-end="${Math.round(bar.end)}" data-status="${h(d.status)}"` +
    ` aria-label="${h(`${d.key}: ${d.status}, ${formatDuration(width)}`)}">` +
    `<span class="segs">${segments}</span>` +
    `<span class="lbl"><span class="mk">${h(STATUS_MARK[d.status])}</span>${h(d.project)}<small>${h(`${d.account} · ${d.region}`)}</small></span>` +
    `${tooltip(bar)}</a>`
  );
}

/** The Gantt chart: one row per worker lane, one bar per deployment, stage segments inside. */
export function renderTimeline(result: RunResult): string {
  const t = layoutTimeline(result);
  if (t.lanes.length === 0) return '<p class="empty">No deployment ran.</p>';
  const step = tickStep(t.span);
  const ticks: string[] = [];
  for (let at = 0; at <= t.span; at += step) {
    ticks.push(`<span class="tick" style="left:${pct(at, t.span)}">${h(tickLabel(at, step))}</span>`);
  }
  const grid = `background-size:${pct(step, t.span)} 100%`;
  const lanes = t.lanes
    .map(({ lane, bars }) => {
      const busy = bars.reduce((sum, b) => sum + (b.end - b.start), 0);
      return (
        `<div class="lane" data-lane="${lane}"><div class="lane-name">worker ${lane + 1}` +
        `<small>${bars.length} deployment${bars.length === 1 ? '' : 's'}</small><small>${h(formatDuration(busy))} busy</small></div>` +
        `<div class="track" style="${grid}">${bars.map((b) => renderBar(b, t.span)).join('')}</div></div>`
      );
    })
    .join('');
  const legend = STAGE_ORDER.map((s) => `<span><i class="sw s-${s}"></i>${s}</span>`).join('');
  const notRun = t.notRun.length
    ? `<p class="not-run">Not started: ${t.notRun.map((d) => `<span class="st st-${h(d.status)}">${h(STATUS_MARK[d.status])} ${h(d.key)} (${h(d.status)})</span>`).join(' ')}</p>`
    : '';
  return (
    `<div class="legend">${legend}<span><i class="sw bad"></i>failed stage</span></div>` +
    `<div class="gantt"><div class="axis-row"><div class="lane-name"></div><div class="axis">${ticks.join('')}</div></div>` +
    `${lanes}</div>${notRun}`
  );
}
