import { TfoError, type Finding } from '@tfo/engine';
import picomatch from 'picomatch';
import { z } from 'zod';
import { RULE_ID } from './finding-contract.js';

export const waiverSchema = z
  .object({
    /** Rule id, e.g. `TFO-S3-004`. */
    rule: z.string().regex(RULE_ID, 'a rule id like TFO-S3-004'),
    /** Resource address glob, e.g. `aws_s3_bucket.logs` or `module.site.*`. */
    resource: z.string().min(1),
    /** Limit to deployments whose tfvars path matches (glob); default every deployment. */
    file: z.string().min(1).optional(),
    reason: z.string().trim().min(10, 'a reason of at least 10 characters'),
    /** Last day the waiver applies (YYYY-MM-DD, inclusive, UTC). */
    expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
    approver: z.string().min(1),
  })
  .strict();

export type Waiver = z.infer<typeof waiverSchema>;

/** An expired waiver is an error of its own: it names the rule, the resource and the date. */
export function checkWaivers(waivers: readonly Waiver[], today = new Date()): void {
  const day = today.toISOString().slice(0, 10);
  const expired = waivers.filter((w) => w.expires < day);
  if (expired.length > 0) {
    throw new TfoError(
      'TFO_ERR_WAIVER',
      `expired waiver(s): ${expired.map((w) => `${w.rule} on ${w.resource} expired ${w.expires} (approved by ${w.approver})`).join('; ')}`,
    );
  }
}

/** Marks findings a waiver covers as waived (they stay in the result and the audit trail). */
export function applyWaivers(findings: Finding[], waivers: readonly Waiver[]): Finding[] {
  const matchers = waivers.map((w) => ({
    w,
    resource: picomatch(w.resource, { dot: true, keepQuotes: true }),
    file: w.file ? picomatch(w.file) : () => true,
  }));
  return findings.map((f) => {
    const hit = matchers.find(
      (m) =>
        m.w.rule === f.ruleId && (m.resource(f.resource ?? '') || m.w.resource === f.resource) && m.file(f.file ?? ''),
    );
    return hit ? { ...f, waived: { reason: hit.w.reason, approver: hit.w.approver, expires: hit.w.expires } } : f;
  });
}
