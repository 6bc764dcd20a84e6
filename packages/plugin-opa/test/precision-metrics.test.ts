// The precision/recall computation on small hand-made inputs (no policies, no plans).
import { describe, expect, it } from 'vitest';
import {
  expectationsSchema,
  falsePositivesByRule,
  formatReport,
  lintExpectations,
  scoreFile,
  totals,
  type Reported,
} from './precision-metrics.js';

const exp = (over: Record<string, unknown> = {}) =>
  expectationsSchema.parse({
    plan: 'p.plan.json',
    report: [
      { id: 'TFO-S3-001', resource: 'b[0]', level: 'deny', why: 'no PAB' },
      { id: 'TFO-S3-012', resource: 'b[0]', level: 'warn', why: 'no logging' },
      { id: 'TFO-IAM-017', resource: 'role', level: 'warn', strict: true, why: 'advisory' },
    ],
    absent: [{ id: 'TFO-S3-008', resource: 'b[0]', why: 'SSE is set through the module' }],
    ...over,
  });

const f = (ruleId: string, resource: string, level: 'deny' | 'warn'): Reported => ({ ruleId, resource, level });

describe('precision metrics', () => {
  it('counts a finding as matched only when id, resource and level are equal', () => {
    const s = scoreFile(exp(), [
      f('TFO-S3-001', 'b[0]', 'deny'),
      f('TFO-S3-012', 'b[0]', 'deny'), // right rule, wrong level
      f('TFO-S3-001', 'b[1]', 'deny'), // wrong resource
    ]);
    expect(s).toMatchObject({ reported: 3, matched: 1, expected: 2, recalled: 1 });
    expect(s.falsePositives).toEqual([f('TFO-S3-012', 'b[0]', 'deny'), f('TFO-S3-001', 'b[1]', 'deny')]);
    expect(s.misses.map((m) => m.id)).toEqual(['TFO-S3-012']);
  });

  it('treats a strict-only entry as a false positive in baseline and never as a miss', () => {
    const s = scoreFile(exp(), [f('TFO-S3-001', 'b[0]', 'deny'), f('TFO-IAM-017', 'role', 'warn')]);
    expect(s).toMatchObject({ reported: 2, matched: 1, expected: 2, recalled: 1 });
    expect(s.falsePositives).toEqual([f('TFO-IAM-017', 'role', 'warn')]);
    expect(s.misses.map((m) => m.id)).toEqual(['TFO-S3-012']);
  });

  it('lets several findings match one entry, which is recalled once', () => {
    const s = scoreFile(exp(), [f('TFO-S3-001', 'b[0]', 'deny'), f('TFO-S3-001', 'b[0]', 'deny')]);
    expect(s).toMatchObject({ reported: 2, matched: 2, recalled: 1 });
  });

  it('reports absent entries at any level, and denies on secure plans', () => {
    const s = scoreFile(exp({ secure: true, report: [] }), [
      f('TFO-S3-008', 'b[0]', 'warn'),
      f('TFO-X-001', 'r', 'deny'),
    ]);
    expect(s.absentReported).toEqual([f('TFO-S3-008', 'b[0]', 'warn')]);
    expect(s.secureDenies).toEqual([f('TFO-X-001', 'r', 'deny')]);
    expect(scoreFile(exp(), [f('TFO-X-001', 'r', 'deny')]).secureDenies).toEqual([]);
  });

  it('sums files into overall precision and recall', () => {
    const a = scoreFile(exp(), [f('TFO-S3-001', 'b[0]', 'deny'), f('TFO-S3-012', 'b[0]', 'warn')]); // 2/2, 2/2
    const b = scoreFile(exp(), [f('TFO-S3-001', 'b[0]', 'deny'), f('TFO-Z-001', 'z', 'warn')]); // 1/2, 1/2
    const t = totals([a, b]);
    expect(t).toEqual({ reported: 4, matched: 3, expected: 4, recalled: 3, precision: 0.75, recall: 0.75 });
    expect(totals([])).toMatchObject({ precision: 1, recall: 1 });
    expect(falsePositivesByRule([a, b])).toEqual([['TFO-Z-001', 1]]);
    const text = formatReport([a, b]);
    expect(text).toContain('precision 75.0% (3/4)  recall 75.0% (3/4)');
    expect(text).toContain('FP   p.plan.json: warn TFO-Z-001 z');
    expect(text).toContain('MISS p.plan.json: warn TFO-S3-012 b[0]');
  });

  it('rejects malformed files and flags contradictory ones', () => {
    expect(() =>
      expectationsSchema.parse({ plan: 'p', report: [{ id: 'S3-1', resource: 'r', level: 'deny', why: 'x' }] }),
    ).toThrow();
    expect(() =>
      expectationsSchema.parse({ plan: 'p', report: [{ id: 'TFO-S3-001', resource: 'r', why: 'x' }] }),
    ).toThrow();
    expect(() => expectationsSchema.parse({ plan: 'p', extra: 1 })).toThrow();
    const bad = expectationsSchema.parse({
      plan: 'p',
      secure: true,
      report: [
        { id: 'TFO-S3-001', resource: 'r', level: 'deny', why: 'x' },
        { id: 'TFO-S3-001', resource: 'r', level: 'deny', why: 'y' },
      ],
      absent: [{ id: 'TFO-S3-001', resource: 'r', why: 'z' }],
    });
    expect(lintExpectations(bad)).toHaveLength(4);
    expect(lintExpectations(exp())).toEqual([]);
  });
});
