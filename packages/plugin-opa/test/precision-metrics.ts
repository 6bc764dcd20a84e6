// Expectations files (tests/expectations/**/*.expect.json, tests/estate/plans/*.expect.json) and
// the precision/recall of the findings the gate reports against them.
//
// A reported finding matches an expectation when rule id, resource address and level are equal.
// Only `report` entries without `strict: true` are expected in the baseline profile: a finding
// matching a strict-only entry is a false positive there. Several reported findings may match one
// entry (a rule can report one resource twice, e.g. for two ports); an entry is recalled when at
// least one reported finding matches it.
import { z } from 'zod';

const level = z.enum(['deny', 'warn']);

export const expectationsSchema = z
  .object({
    plan: z.string().min(1),
    secure: z.boolean().default(false),
    note: z.string().default(''),
    report: z
      .array(
        z
          .object({
            id: z.string().regex(/^TFO-[A-Z0-9]+-\d{3}$/),
            resource: z.string().min(1),
            level,
            strict: z.boolean().default(false),
            why: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
    absent: z
      .array(
        z
          .object({
            id: z.string().regex(/^TFO-[A-Z0-9]+-\d{3}$/),
            resource: z.string().min(1),
            why: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type Expectations = z.output<typeof expectationsSchema>;
export type ExpectedFinding = Expectations['report'][number];
export type AbsentFinding = Expectations['absent'][number];

/** What the scoring needs of a reported finding. */
export interface Reported {
  ruleId: string;
  resource?: string | undefined;
  level: 'deny' | 'warn';
  message?: string | undefined;
}

export interface FileScore {
  plan: string;
  secure: boolean;
  reported: number;
  /** Reported findings matching a baseline `report` entry. */
  matched: number;
  /** Baseline `report` entries. */
  expected: number;
  /** Baseline `report` entries matched by at least one reported finding. */
  recalled: number;
  falsePositives: Reported[];
  misses: ExpectedFinding[];
  /** Denies reported on a plan marked secure. */
  secureDenies: Reported[];
  /** Reported findings that an `absent` entry names (same id and resource, any level). */
  absentReported: Reported[];
}

export interface Totals {
  reported: number;
  matched: number;
  expected: number;
  recalled: number;
  /** matched / reported (1 when nothing is reported). */
  precision: number;
  /** recalled / expected (1 when nothing is expected). */
  recall: number;
}

const key = (id: string, resource: string | undefined, lvl?: string): string =>
  lvl === undefined ? `${id}\u0000${resource ?? ''}` : `${id}\u0000${resource ?? ''}\u0000${lvl}`;

/** Problems in an expectations file that the schema cannot see: duplicate or contradictory entries. */
export function lintExpectations(e: Expectations): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of e.report) {
    const k = key(r.id, r.resource, r.level);
    if (seen.has(k)) problems.push(`${e.plan}: duplicate report entry ${r.id} ${r.resource} ${r.level}`);
    seen.add(k);
    if (e.secure && r.level === 'deny' && !r.strict)
      problems.push(`${e.plan}: secure plan expects a deny (${r.id} ${r.resource})`);
  }
  const reportedIds = new Set(e.report.map((r) => key(r.id, r.resource)));
  for (const a of e.absent) {
    if (reportedIds.has(key(a.id, a.resource)))
      problems.push(`${e.plan}: ${a.id} ${a.resource} is both in report and in absent`);
  }
  return problems;
}

/** Scores one plan's reported (baseline) findings against its expectations. */
export function scoreFile(e: Expectations, reported: readonly Reported[]): FileScore {
  const baseline = e.report.filter((r) => !r.strict);
  const expectedKeys = new Set(baseline.map((r) => key(r.id, r.resource, r.level)));
  const reportedKeys = new Set(reported.map((f) => key(f.ruleId, f.resource, f.level)));
  const absentKeys = new Set(e.absent.map((a) => key(a.id, a.resource)));
  const matchedFindings = reported.filter((f) => expectedKeys.has(key(f.ruleId, f.resource, f.level)));
  const misses = baseline.filter((r) => !reportedKeys.has(key(r.id, r.resource, r.level)));
  return {
    plan: e.plan,
    secure: e.secure,
    reported: reported.length,
    matched: matchedFindings.length,
    expected: baseline.length,
    recalled: baseline.length - misses.length,
    falsePositives: reported.filter((f) => !expectedKeys.has(key(f.ruleId, f.resource, f.level))),
    misses,
    secureDenies: e.secure ? reported.filter((f) => f.level === 'deny') : [],
    absentReported: reported.filter((f) => absentKeys.has(key(f.ruleId, f.resource))),
  };
}

/** Sums of the files' counts, with overall precision and recall. */
export function totals(scores: readonly FileScore[]): Totals {
  const sum = (pick: (s: FileScore) => number): number => scores.reduce((n, s) => n + pick(s), 0);
  const reported = sum((s) => s.reported);
  const matched = sum((s) => s.matched);
  const expected = sum((s) => s.expected);
  const recalled = sum((s) => s.recalled);
  return {
    reported,
    matched,
    expected,
    recalled,
    precision: reported === 0 ? 1 : matched / reported,
    recall: expected === 0 ? 1 : recalled / expected,
  };
}

const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;

/** A plain-text table: one line per file, then the totals, then every false positive and miss. */
export function formatReport(scores: readonly FileScore[]): string {
  const t = totals(scores);
  const width = Math.max(4, ...scores.map((s) => s.plan.length));
  const lines = [
    `${'plan'.padEnd(width)}  reported  matched  expected  recalled  precision  recall   secure-denies  absent-hits`,
  ];
  for (const s of scores) {
    const p = s.reported === 0 ? 1 : s.matched / s.reported;
    const r = s.expected === 0 ? 1 : s.recalled / s.expected;
    lines.push(
      `${s.plan.padEnd(width)}  ${String(s.reported).padStart(8)}  ${String(s.matched).padStart(7)}  ${String(s.expected).padStart(8)}  ${String(s.recalled).padStart(8)}  ${pct(p).padStart(9)}  ${pct(r).padStart(6)}   ${String(s.secureDenies.length).padStart(13)}  ${String(s.absentReported.length).padStart(11)}`,
    );
  }
  lines.push(
    `${'TOTAL'.padEnd(width)}  ${String(t.reported).padStart(8)}  ${String(t.matched).padStart(7)}  ${String(t.expected).padStart(8)}  ${String(t.recalled).padStart(8)}  ${pct(t.precision).padStart(9)}  ${pct(t.recall).padStart(6)}`,
  );
  lines.push(
    '',
    `precision ${pct(t.precision)} (${t.matched}/${t.reported})  recall ${pct(t.recall)} (${t.recalled}/${t.expected})`,
  );
  const fps = scores.flatMap((s) =>
    s.falsePositives.map(
      (f) => `  FP   ${s.plan}: ${f.level} ${f.ruleId} ${f.resource ?? ''}${f.message ? ` (${f.message})` : ''}`,
    ),
  );
  const misses = scores.flatMap((s) => s.misses.map((m) => `  MISS ${s.plan}: ${m.level} ${m.id} ${m.resource}`));
  if (fps.length > 0) lines.push('', `false positives (${fps.length}):`, ...fps);
  if (misses.length > 0) lines.push('', `misses (${misses.length}):`, ...misses);
  return lines.join('\n');
}

/** False positives counted per rule id, most first. */
export function falsePositivesByRule(scores: readonly FileScore[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const s of scores) for (const f of s.falsePositives) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
