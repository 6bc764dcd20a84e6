import { createHash } from 'node:crypto';
import { TfoError, type Severity } from '@tfo/engine';
import { z } from 'zod';

/**
 * What a finding of the opa plugin carries beyond the rule's verdict: its profile, whether it is
 * unknown until apply, a fingerprint stable across runs, and the per-rule overrides of the config.
 */

/** A rule id like `TFO-S3-004` (also used by waivers). */
export const RULE_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

export const PROFILES = ['baseline', 'strict'] as const;
export type Profile = (typeof PROFILES)[number];

/** A per-rule override: its profile (`off` drops the rule) and its level. */
export const ruleOverrideSchema = z
  .object({
    profile: z.enum(['baseline', 'strict', 'off']).optional(),
    /** `warn` demotes a deny; `deny` promotes a warn (a finding unknown until apply stays `warn`). */
    level: z.enum(['deny', 'warn']).optional(),
  })
  .strict();

export type RuleOverride = z.infer<typeof ruleOverrideSchema>;

export const ruleOverridesSchema = z.record(z.string().regex(RULE_ID, 'a rule id like TFO-S3-004'), ruleOverrideSchema);

/** How toFindings selects and grades findings: the config's profile and per-rule overrides. */
export interface SelectOptions {
  /** `baseline` (default): only baseline rules' findings; `strict`: all. */
  profile?: Profile | undefined;
  rules?: Readonly<Record<string, RuleOverride>> | undefined;
}

/** The profile a rule's metadata declares (`baseline` when it declares none); anything else is a build error. */
export function ruleProfile(ruleId: string, declared: unknown): Profile {
  if (declared === undefined || declared === null) return 'baseline';
  if (declared === 'baseline' || declared === 'strict') return declared;
  throw new TfoError(
    'TFO_ERR_POLICY_BUILD',
    `rule ${ruleId} has profile ${JSON.stringify(declared)} in its metadata: use "baseline" or "strict"`,
  );
}

/** An override that names a rule the bundle does not have is a config error, never ignored. */
export function checkRuleOverrides(rules: Readonly<Record<string, RuleOverride>>, known: Iterable<string>): void {
  const ids = new Set(known);
  const missing = Object.keys(rules).filter((id) => !ids.has(id));
  if (missing.length > 0) {
    throw new TfoError(
      'TFO_ERR_CONFIG_INVALID',
      `opa(): rules: ${missing.join(', ')} ${missing.length === 1 ? 'is not a rule' : 'are not rules'} of the policy bundle: fix the id or remove the override`,
    );
  }
}

/**
 * Fingerprint recipe (`tfoFinding/v1`): the first 32 hex digits of the SHA-256 of the JSON array
 * `["tfoFinding/v1", ruleId, file, resource, message]`, where `file` is the tfvars path relative
 * to the config folder with `/` separators and `resource` is `""` when the finding names none.
 * Level, severity, profile and waivers are left out: demoting a rule or waiving a finding keeps
 * its identity. The message is the rule's own (before redaction); rules never echo secret values.
 */
export function fingerprint(ruleId: string, file: string, resource: string | undefined, message: string): string {
  const text = JSON.stringify(['tfoFinding/v1', ruleId, file.replace(/\\/g, '/'), resource ?? '', message]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * GitHub code scanning's `security-severity` (a CVSS-like score as a string): over 9.0 is shown
 * as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. Each severity sits inside its band.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = Object.freeze({
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
});

/** SARIF `precision`: baseline rules are the high-signal set; strict rules are advisory. */
export function precisionOf(profile: Profile | undefined): 'high' | 'medium' {
  return profile === 'strict' ? 'medium' : 'high';
}
